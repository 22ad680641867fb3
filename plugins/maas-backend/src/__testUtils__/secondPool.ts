/* Two replicas' connections to one test database, for the replicas tests. */
import { harnessEnv } from '@maas-portal/harness/testing';
import knexFactory, { Knex } from 'knex';

/**
 * The connection settings of a PostgreSQL test database (`TestDatabases.init`), for another pool
 * or another process: the harness's server, that database.
 */
export function connectionOf(knex: Knex): { connectionString: string } {
  const url = new URL(
    harnessEnv('BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING'),
  );
  url.pathname = `/${
    (knex.client.config.connection as { database: string }).database
  }`;
  return { connectionString: url.toString() };
}

/** A second connection pool to the same database: what the other pod has. */
export function secondPool(knex: Knex): Knex {
  return knexFactory({ client: 'pg', connection: connectionOf(knex) });
}
