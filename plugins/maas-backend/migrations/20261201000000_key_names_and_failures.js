/*
 * Key names (an alias the owner gives a key, on its request and on the key), and the failed state
 * of a key request: an approved request whose key cannot be issued (its model is gone, or every
 * attempt failed) ends there with the reason and when, instead of being retried forever.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('maas_key_requests', table => {
    table.string('name', 63).nullable().comment('The name asked for the key');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Failed attempts to issue the key of an approved request');
    table.text('failure_reason').nullable();
    table.timestamp('failed_at', { useTz: true }).nullable();
  });
  await knex.schema.alterTable('maas_keys', table => {
    table.string('name', 63).nullable().comment("The owner's name for the key");
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('maas_keys', table => {
    table.dropColumn('name');
  });
  await knex.schema.alterTable('maas_key_requests', table => {
    table.dropColumn('failed_at');
    table.dropColumn('failure_reason');
    table.dropColumn('attempts');
    table.dropColumn('name');
  });
};
