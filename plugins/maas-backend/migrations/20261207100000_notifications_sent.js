/*
 * Notifications sent "once": one row per once-key (a limit window of a user on a model, an expiry
 * milestone of a key, a day of short token counting of a model). The row is written before the
 * notification is sent, so replicas on one database and a restarted portal never send it twice.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maas_notifications_sent', table => {
    table.comment(
      'Notifications the portal sends at most once, by the key that says what "once" means',
    );
    table
      .string('once_key', 512)
      .primary()
      .notNullable()
      .comment(
        'What was notified, e.g. limit|<user>|<model>|<limit>|<window start>',
      );
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .comment(
        'When it was sent; rows older than the longest window are pruned',
      );
    table.index(['sent_at'], 'maas_notifications_sent_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maas_notifications_sent');
};
