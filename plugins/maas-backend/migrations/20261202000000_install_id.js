/*
 * The install's identity: one random id, made here on the first migrate, that the portal writes as
 * a label on every key Secret. Portals that share a keys namespace (staging and production, two
 * teams) then reconcile only their own Secrets; replicas on one database share the id, and every
 * new database (every test database too) gets its own.
 */

// @ts-check

const { randomUUID } = require('node:crypto');

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maas_install', table => {
    table.comment(
      'One row: the id this install labels its key Secrets with (maas.kuadrant.io/install)',
    );
    table.string('id', 36).primary().notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex('maas_install').insert({
    id: randomUUID(),
    created_at: new Date(),
  });
};

/**
 * Up again makes another id: the Secrets labelled with this one are then another install's, which
 * the key task leaves alone (never deletes), so going down and up loses no key.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maas_install');
};
