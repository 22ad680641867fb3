module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Red Hat Developer Hub exports (scripts/export-dynamic-plugins.sh), generated like dist.
  ignorePatterns: ['**/dist-dynamic/**'],
  testRules: {
    // Shared checks in src/__testUtils__ (e.g. keyFlowBed's expectNoKeyValueLogged) assert too.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect[A-Z]*', '*.expect[A-Z]*'] },
    ],
  },
});
