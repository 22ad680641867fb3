/* The harness's PostgreSQL answers on the connection string that Backstage's TestDatabases reads. */
import { execFileSync } from 'node:child_process';
import { harnessEnv } from './testing/harnessEnv.ts';

describe('harness PostgreSQL', () => {
  it('accepts connections on the TestDatabases connection string and can create databases', () => {
    const url = harnessEnv('MAAS_HARNESS_POSTGRES_URL');
    const major = execFileSync(
      'psql',
      [url, '-tAc', 'SHOW server_version_num'],
      { encoding: 'utf8' },
    )
      .trim()
      .slice(0, 2);
    expect(
      harnessEnv(`BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING`),
    ).toBe(url);
    expect(url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+$/);
    const db = `harness_test_${process.pid}`;
    execFileSync('psql', [url, '-c', `CREATE DATABASE ${db}`]);
    expect(
      execFileSync(
        'psql',
        [`${url}/${db}`, '-tAc', 'SELECT current_database()'],
        { encoding: 'utf8' },
      ).trim(),
    ).toBe(db);
    execFileSync('psql', [url, '-c', `DROP DATABASE ${db}`]);
  });
});
