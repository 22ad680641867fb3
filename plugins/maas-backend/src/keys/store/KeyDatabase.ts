import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { AuditStore } from './AuditStore';
import { KeyRequestStore } from './KeyRequestStore';
import { KeyStore } from './KeyStore';

const MIGRATIONS_DIR = resolvePackagePath(
  '@maas-portal/plugin-maas-backend',
  'migrations',
);

function isPostgres(db: Knex | Knex.Transaction): boolean {
  const client = String(db.client.config.client);
  return client === 'pg' || client === 'postgresql';
}

/**
 * The key flow's database (SQLite or PostgreSQL): one store per table, and transactions across
 * them, so that a change and its audit event are written together or not at all.
 */
export class KeyDatabase {
  readonly requests: KeyRequestStore;
  readonly keys: KeyStore;
  readonly audit: AuditStore;
  readonly #db: Knex | Knex.Transaction;

  static async create(options: {
    database: DatabaseService;
  }): Promise<KeyDatabase> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await KeyDatabase.migrate(client);
    }
    return new KeyDatabase(client);
  }

  /**
   * Brings the tables up to date. Replicas starting at once take turns: on PostgreSQL a
   * transaction-scoped advisory lock is held while migrating, because knex's own migration lock
   * fails (instead of waiting) when two replicas create its lock table at the same moment.
   */
  static async migrate(knex: Knex): Promise<void> {
    if (!isPostgres(knex)) {
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
      return;
    }
    await knex.transaction(async turn => {
      await turn.raw('select pg_advisory_xact_lock(hashtext(?))', [
        'maas-key-migrations',
      ]);
      await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    });
  }

  static get migrationsDirectory(): string {
    return MIGRATIONS_DIR;
  }

  constructor(db: Knex | Knex.Transaction) {
    this.#db = db;
    this.requests = new KeyRequestStore(db);
    this.keys = new KeyStore(db);
    this.audit = new AuditStore(db);
  }

  /** Runs `fn` in one transaction; the stores it receives write inside it. */
  async transaction<T>(fn: (db: KeyDatabase) => Promise<T>): Promise<T> {
    if ((this.#db as Knex.Transaction).isTransaction) return fn(this);
    return (this.#db as Knex).transaction(trx => fn(new KeyDatabase(trx)));
  }

  /**
   * The id of this install (made by the `install_id` migration): the label on every key Secret it
   * writes, so that portals sharing a keys namespace each reconcile only their own.
   */
  async installId(): Promise<string> {
    const row = (await this.#db.schema.hasTable('maas_install'))
      ? await this.#db('maas_install').first('id')
      : undefined;
    if (!row) {
      throw new NotFoundError(
        "The key database has no install id (table maas_install): run the maas plugin's migrations (skipped where backend.database.skipMigrations is set)",
      );
    }
    return row.id;
  }

  /** Namespaces that hold, or may hold, key Secrets: those of keys and of requested models. */
  async knownNamespaces(): Promise<string[]> {
    const namespaces = new Set([
      ...(await this.keys.secretNamespaces()),
      ...(await this.requests.modelNamespaces()),
    ]);
    return [...namespaces].sort();
  }

  /**
   * Serialises, until the end of the current transaction, whoever counts a user's keys for a
   * model and then adds one, so that the cap holds under concurrency: a transaction-scoped
   * advisory lock on PostgreSQL; SQLite runs one writing transaction at a time anyway.
   */
  async lockUserModel(userEntityRef: string, model: string): Promise<void> {
    if (!(this.#db as Knex.Transaction).isTransaction)
      throw new Error('lockUserModel must run inside a transaction');
    if (isPostgres(this.#db)) {
      await this.#db.raw('select pg_advisory_xact_lock(hashtext(?))', [
        `maas-key-cap|${userEntityRef}|${model}`,
      ]);
    }
  }

  /** Keys that work (active, or rotating until their overlap ends) plus new-key requests not yet decided or issued. */
  async countOpen(userEntityRef: string, model: string): Promise<number> {
    return (
      (await this.keys.countActive(userEntityRef, model)) +
      (await this.requests.countOpenNewKey(userEntityRef, model))
    );
  }
}
