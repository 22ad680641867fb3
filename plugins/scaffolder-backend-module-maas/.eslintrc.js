module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Red Hat Developer Hub exports (scripts/export-dynamic-plugins.sh), generated like dist.
  ignorePatterns: ['**/dist-dynamic/**'],
});
