/*
 * The UID of the model's InferenceService on key requests and keys: a model deleted and created
 * again under the same name is another object, and its new owner must not see the old keys.
 * Rows from before stay without one (null).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const table of ['maas_key_requests', 'maas_keys']) {
    await knex.schema.alterTable(table, t => {
      t.string('model_uid', 64)
        .nullable()
        .comment(
          'metadata.uid of the InferenceService when the key was asked for',
        );
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of ['maas_key_requests', 'maas_keys']) {
    await knex.schema.alterTable(table, t => {
      t.dropColumn('model_uid');
    });
  }
};
