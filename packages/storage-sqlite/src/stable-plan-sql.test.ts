import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStablePlans } from './stable-plan-sql.ts';

describe('withStablePlans', () => {
  it('turns each equality with a bare parameter into one with a unary plus, and leaves the rest alone', () => {
    expect(withStablePlans('select * from "messages" where "thread_id" = ? and "created_at" >= ? and ("created_at", "id") < (?, ?) order by "created_at" desc limit ?')).toBe(
      'select * from "messages" where "thread_id" = +? and "created_at" >= ? and ("created_at", "id") < (?, ?) order by "created_at" desc limit +?',
    );
    expect(withStablePlans('update "threads" set "title" = ?, "updated_at" = ? where "id" = ?')).toBe('update "threads" set "title" = +?, "updated_at" = +? where "id" = +?');
    expect(withStablePlans('select * from "threads" order by "updated_at" desc limit ? offset ?')).toBe('select * from "threads" order by "updated_at" desc limit +? offset +?');
    expect(withStablePlans('select 1 where "a" in (?, ?) and "b" >= ?')).toBe('select 1 where "a" in (?, ?) and "b" >= ?');
  });

  it('keeps results, index use and type affinity of the comparison', () => {
    const database = new Database(':memory:');
    database.exec('create table t (id text primary key, thread text not null, at integer not null, body blob); create index t_thread_at on t (thread, at, id)');
    const insert = database.prepare(withStablePlans('insert into t (id, thread, at, body) values (?, ?, ?, ?)'));
    for (let index = 0; index < 50; index++) insert.run(`m${index}`, index % 2 === 0 ? 'a' : '7', index, Buffer.from([index]));
    const plain = 'select id, body from t where thread = ? order by at desc, id desc limit ?';
    const stable = withStablePlans(plain);
    // a number bound against the text column is converted by the column's affinity exactly as before
    for (const thread of ['a', '7', 7, 'missing']) expect(database.prepare(stable).all(thread, 3)).toEqual(database.prepare(plain).all(thread, 3));
    expect(database.prepare(stable).all('a', 3)).toEqual([{ id: 'm48', body: Buffer.from([48]) }, { id: 'm46', body: Buffer.from([46]) }, { id: 'm44', body: Buffer.from([44]) }]);
    expect(database.prepare(withStablePlans('select id from t where at = ?')).all('5')).toEqual([{ id: 'm5' }]);
    const plan = (database.prepare(`explain query plan ${stable}`).all('a', 3) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
    expect(plan).toMatch(/SEARCH t USING INDEX t_thread_at \(thread=\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    database.close();
  });
});
