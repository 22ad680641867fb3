/*
 * Indexes for the paged lists: requests and keys go newest first (created_at desc, id), narrowed
 * to a user, a model entity or a state; the audit trail goes by id, narrowed to an entity. Without
 * them a first page of 10,000 keys sorts the whole table.
 */

// @ts-check

const INDEXES = [
  ['maas_key_requests', 'maas_key_requests_created_idx', ['created_at', 'id']],
  [
    'maas_key_requests',
    'maas_key_requests_user_created_idx',
    ['user_entity_ref', 'created_at'],
  ],
  [
    'maas_key_requests',
    'maas_key_requests_entity_created_idx',
    ['entity_ref', 'created_at'],
  ],
  [
    'maas_key_requests',
    'maas_key_requests_state_created_idx',
    ['state', 'created_at'],
  ],
  ['maas_keys', 'maas_keys_created_idx', ['created_at', 'id']],
  [
    'maas_keys',
    'maas_keys_user_created_idx',
    ['user_entity_ref', 'created_at'],
  ],
  ['maas_keys', 'maas_keys_entity_created_idx', ['entity_ref', 'created_at']],
  [
    'maas_audit_events',
    'maas_audit_events_entity_id_idx',
    ['entity_ref', 'id'],
  ],
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const [table, name, columns] of INDEXES) {
    await knex.schema.alterTable(/** @type {string} */ (table), t => {
      t.index(/** @type {string[]} */ (columns), /** @type {string} */ (name));
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const [table, name, columns] of [...INDEXES].reverse()) {
    await knex.schema.alterTable(/** @type {string} */ (table), t => {
      t.dropIndex(
        /** @type {string[]} */ (columns),
        /** @type {string} */ (name),
      );
    });
  }
};

exports.INDEXES = INDEXES;
