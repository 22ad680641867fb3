/*
 * API keys of the MaaS suite: key requests, keys (metadata and a hash, never the value) and the
 * audit trail of every change.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maas_key_requests', table => {
    table.comment(
      'Requests for a new API key or for a tier change of an existing key',
    );
    table.string('id', 36).primary().notNullable();
    table.string('kind', 32).notNullable().comment('new-key | tier-change');
    table
      .string('entity_ref', 400)
      .notNullable()
      .comment('The model catalog entity');
    table
      .string('model', 400)
      .notNullable()
      .comment('<namespace>/<name> of the InferenceService');
    table.string('user_entity_ref', 400).notNullable();
    table.string('tier', 100).notNullable();
    table.text('reason').notNullable();
    table
      .string('state', 32)
      .notNullable()
      .comment('pending | approved | issued | rejected | cancelled');
    table
      .string('key_id', 36)
      .nullable()
      .comment('tier-change: the key it changes; new-key: the key it made');
    table.integer('expires_in_days').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('decided_by', 400).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.text('decision_comment').nullable();
    table.index(['state'], 'maas_key_requests_state_idx');
    table.index(
      ['user_entity_ref', 'model'],
      'maas_key_requests_user_model_idx',
    );
    table.index(['entity_ref'], 'maas_key_requests_entity_idx');
  });

  await knex.schema.createTable('maas_keys', table => {
    table.comment(
      'Issued API keys: metadata and a SHA-256 hash; the value lives only in the Secret',
    );
    table.string('id', 36).primary().notNullable();
    table
      .string('request_id', 36)
      .nullable()
      .unique({ indexName: 'maas_keys_request_id_uniq' })
      .comment(
        'The new-key request that made it; null for a key made by a rotation',
      );
    table
      .string('rotated_from', 36)
      .nullable()
      .unique({ indexName: 'maas_keys_rotated_from_uniq' })
      .comment('The key this one replaced; one replacement per key');
    table.string('entity_ref', 400).notNullable();
    table.string('model', 400).notNullable();
    table.string('user_entity_ref', 400).notNullable();
    table.string('tier', 100).notNullable();
    table
      .string('hash', 64)
      .notNullable()
      .unique({ indexName: 'maas_keys_hash_uniq' });
    table.string('display_prefix', 32).notNullable();
    table
      .string('state', 32)
      .notNullable()
      .comment('active | rotating | revoked | expired | rotated');
    table.string('secret_namespace', 253).notNullable();
    table.string('secret_name', 253).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('overlap_until', { useTz: true }).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 400).nullable();
    table.string('replaced_by', 36).nullable();
    table.timestamp('revealed_at', { useTz: true }).nullable();
    table.index(['state'], 'maas_keys_state_idx');
    table.index(['user_entity_ref', 'model'], 'maas_keys_user_model_idx');
    table.index(['entity_ref'], 'maas_keys_entity_idx');
  });

  await knex.schema.createTable('maas_audit_events', table => {
    table.comment(
      'Every change of a key request or a key: who, when, what, from which state to which',
    );
    table.bigIncrements('id').primary();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('actor', 400).notNullable();
    table.string('action', 64).notNullable();
    table.string('subject_type', 32).notNullable().comment('key-request | key');
    table.string('subject_id', 36).notNullable();
    table.string('entity_ref', 400).notNullable();
    table.string('from_state', 32).nullable();
    table.string('to_state', 32).nullable();
    table.text('details').nullable().comment('JSON');
    table.index(['entity_ref', 'at'], 'maas_audit_events_entity_at_idx');
    table.index(['subject_id'], 'maas_audit_events_subject_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maas_audit_events');
  await knex.schema.dropTable('maas_keys');
  await knex.schema.dropTable('maas_key_requests');
};
