module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Red Hat Developer Hub exports (scripts/export-dynamic-plugins.sh), generated like dist.
  ignorePatterns: ['**/dist-dynamic/**'],
  testRules: {
    // Shared checks in src/__testUtils__/expectations.ts assert too.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect[A-Z]*'] },
    ],
  },
  overrides: [
    {
      // The import-cycle check reads the plugin's own source files in jest, with the import-graph
      // reader it shares with maas-backend's layering test (in the harness package); the test setup
      // silences upstream console noise with the harness package's one list. Neither ever ships.
      files: ['src/importCycles.test.ts', 'src/setupTests.ts'],
      rules: {
        'no-restricted-imports': 'off',
        '@backstage/no-mixed-plugin-imports': 'off',
      },
    },
  ],
});
