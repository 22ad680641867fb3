/*
 * Why the portal itself revoked a key (its model is gone, its Secret was deleted by hand): the
 * owner reads it on My API keys and in the API, not only in the audit. Empty when a person revoked
 * the key (their name is `revoked_by`).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('maas_keys', table => {
    table
      .text('revoked_reason')
      .nullable()
      .comment('Why the portal revoked the key, in words for its owner');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('maas_keys', table => {
    table.dropColumn('revoked_reason');
  });
};
