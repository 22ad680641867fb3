module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Shared checks (expectInvalid, expectFailure, ...) assert too.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect[A-Z]*'] },
    ],
  },
});
