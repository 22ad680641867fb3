/*
 * The counts of cost reports over ranges that have ended (a past month, a custom range in the past): their
 * counters' samples are all in Prometheus, so the counts no longer change. Kept here, one row per range,
 * so that a month is computed from Prometheus once (by the monthly task or its first viewer), not by every
 * replica and after every restart, and stays readable after Prometheus' retention drops its samples.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('maas_cost_counts', table => {
    table.comment(
      'Counts of cost reports over ranges that have ended, as Prometheus answered them: the input of a report',
    );
    table
      .string('range_key', 64)
      .primary()
      .notNullable()
      .comment('<start>-<end>, unix seconds');
    table.bigInteger('start_at').notNullable().comment('Unix seconds');
    table.bigInteger('end_at').notNullable().comment('Unix seconds');
    table
      .boolean('calendar_month')
      .notNullable()
      .comment('A calendar month: kept; other ranges are pruned past a number');
    table
      .timestamp('computed_at', { useTz: true })
      .notNullable()
      .comment('When Prometheus was asked');
    table
      .text('source', 'longtext')
      .notNullable()
      .comment('Where the counts came from (JSON: kind and detail)');
    table
      .text('counts', 'longtext')
      .notNullable()
      .comment('The counts, tagged by part, user, tier and route (JSON)');
    table.index(['computed_at'], 'maas_cost_counts_computed_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('maas_cost_counts');
};
