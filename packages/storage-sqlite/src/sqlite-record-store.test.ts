import { InMemoryRecordStore, Records, TypeValidationError } from '@mastra-ts/core';
import type { JSONObject, ListRecordsQuery, RecordFieldCondition } from '@mastra-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStorage } from './create-sqlite-storage.ts';
import { TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterAll(() => storages.cleanup());

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const scalars = [0, 1, 2, 2.5, -3, 10, '1', 'a', 'b', 'B', '', 'zeta', true, false, null] as const;

function randomData(next: () => number): JSONObject {
  const data: JSONObject = {};
  for (const field of ['a', 'b', 'c']) {
    const roll = next();
    if (roll < 0.15) continue;
    if (roll < 0.3) data[field] = [pick(next, scalars), pick(next, scalars)];
    else if (roll < 0.4) data[field] = { x: pick(next, scalars) };
    else data[field] = pick(next, scalars);
  }
  data.nested = { deep: pick(next, scalars), list: [pick(next, scalars)] };
  return data;
}

function randomCondition(next: () => number): RecordFieldCondition {
  const value = pick(next, scalars);
  const bound = pick(next, [0, 2, 2.5, 'a', 'b', '']);
  switch (Math.floor(next() * 10)) {
    case 0:
      return { $ne: value };
    case 1:
      return { $gt: bound };
    case 2:
      return { $gte: bound, $lt: pick(next, [10, 'z']) };
    case 3:
      return { $lte: bound };
    case 4:
      return { $in: [pick(next, scalars), pick(next, scalars)] };
    case 5:
      return { $exists: next() < 0.5 };
    case 6:
      return { $eq: value };
    case 7:
      return { x: value };
    default:
      return value;
  }
}

describe('SqliteRecordStore against the in-memory reference', () => {
  let storage: SqliteStorage;
  let sqlite: Records;
  let reference: Records;

  beforeAll(async () => {
    storage = await storages.open();
    let tick = 0;
    const now = (): Date => new Date(Date.UTC(2026, 0, 1) + Math.floor(tick++ / 2) * 1000);
    sqlite = new Records(storage.records, { now });
    reference = new Records(new InMemoryRecordStore(), { now });
    const next = random(42);
    for (let index = 0; index < 300; index++) {
      const data = randomData(next);
      const id = `r${String(Math.floor(next() * 1e6)).padStart(6, '0')}-${index}`;
      await sqlite.create('items', data, { id });
      await reference.create('items', data, { id });
    }
  });

  it('where, orderBy and cursor pages return the same records in the same order for 300 random queries', async () => {
    const next = random(7);
    const paths = ['a', 'b', 'c', 'nested.deep', 'nested.list', 'missing', 'a.x'];
    for (let round = 0; round < 300; round++) {
      const where: Record<string, RecordFieldCondition> = {};
      const conditions = Math.floor(next() * 3);
      for (let index = 0; index < conditions; index++) where[pick(next, paths)] = randomCondition(next);
      const query: ListRecordsQuery = {
        where,
        orderBy: { field: pick(next, ['createdAt', 'updatedAt', 'id', 'a', 'b', 'nested.deep', 'missing']), direction: next() < 0.5 ? 'asc' : 'desc' },
        limit: pick(next, [9, 40, 1000]),
      };
      const collect = async (records: Records): Promise<string[][]> => {
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await records.list('items', { ...query, ...(cursor ? { cursor } : {}) });
          pages.push(page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor && pages.length < 400);
        return pages;
      };
      const label = JSON.stringify(query);
      expect(await collect(sqlite), label).toEqual(await collect(reference));
    }
  });
});

describe('SqliteRecordStore hostile input', () => {
  it('refuses hostile field paths, operators and table names with TypeValidationError', async () => {
    const storage = await storages.open();
    const records = new Records(storage.records);
    await records.create('users', { name: 'Ada' });
    const hostileKeys = ["name') OR 1=1 --", 'name"', '$.name', 'name[0]', 'a..b', 'name; DROP TABLE records', '*', "a.b'"];
    for (const key of hostileKeys) {
      await expect(records.list('users', { where: { [key]: 'x' } }), key).rejects.toSatisfy(TypeValidationError.isInstance);
      await expect(storage.records.listRecords('users', { where: { [key]: 'x' } }), key).rejects.toSatisfy(TypeValidationError.isInstance);
      await expect(storage.records.listRecords('users', { orderBy: { field: key } }), key).rejects.toSatisfy(TypeValidationError.isInstance);
    }
    await expect(storage.records.listRecords('users', { where: { name: { $where: 'sleep(1)' } as RecordFieldCondition } })).rejects.toSatisfy(TypeValidationError.isInstance);
    await expect(storage.records.getRecord('users"; --', 'x')).rejects.toSatisfy(TypeValidationError.isInstance);
    expect((await records.list('users')).items).toHaveLength(1);
  });

  it('values that look like SQL or JSON paths are matched as data', async () => {
    const storage = await storages.open();
    const records = new Records(storage.records);
    const values = ["' OR '1'='1", "x'); DROP TABLE records; --", '$.name', '$', '"quoted"', '\\', '%', '_', '?', ':name', '\u0000nul', '*/ --'];
    const ids = new Map<string, string>();
    for (const value of values) ids.set(value, await records.create('hostile', { name: value, tags: [value] }));
    for (const value of values) {
      expect((await records.list('hostile', { where: { name: value } })).items.map((item) => item.id), value).toEqual([ids.get(value)]);
      expect((await records.list('hostile', { where: { tags: { $in: [value] } } })).items.map((item) => item.id), value).toEqual([ids.get(value)]);
    }
    expect((await records.list('hostile', { limit: 100 })).items).toHaveLength(values.length);
    expect((await records.read('hostile', ids.get("x'); DROP TABLE records; --")!))?.data.name).toBe("x'); DROP TABLE records; --");
  });

  it('span attribute filters take hostile keys and values as data', async () => {
    const storage = await storages.open();
    await storage.traces.saveSpans([{ traceId: 't', spanId: 's', name: 'n', kind: 'agent', startTime: 1, status: 'ok', attributes: { 'a.b': "x' OR 1=1 --", '$.a': 1 } }]);
    expect((await storage.traces.listSpans({ attributes: { "a.b' OR 1=1 --": 'x' } })).total).toBe(0);
    expect((await storage.traces.listSpans({ attributes: { 'a.b': "x' OR 1=1 --" } })).total).toBe(1);
    expect((await storage.traces.listSpans({ attributes: { '$.a': 1 } })).total).toBe(1);
    expect((await storage.traces.listSpans({ attributes: { '$.a': '1' } })).total).toBe(0);
    expect((await storage.traces.listSpans({ attributes: { '$.a': true } })).total).toBe(0);
  });
});

describe('JSON path queries', () => {
  it('matches nested paths, array elements, missing fields and types without coercion', async () => {
    const storage = await storages.open();
    const records = new Records(storage.records);
    await records.create('docs', { user: { age: 36, name: 'Ada' }, tags: ['x', 'y'], flag: true }, { id: 'ada' });
    await records.create('docs', { user: { age: '36', name: 'Bob' }, tags: 'x', flag: 1 }, { id: 'bob' });
    await records.create('docs', { user: { name: 'Cy' }, flag: false }, { id: 'cy' });
    const ids = async (where: Record<string, RecordFieldCondition>): Promise<string[]> => (await records.list('docs', { where, orderBy: { field: 'id' } })).items.map((item) => item.id);
    expect(await ids({ 'user.age': 36 })).toEqual(['ada']);
    expect(await ids({ 'user.age': '36' })).toEqual(['bob']);
    expect(await ids({ 'user.age': { $gte: 30 } })).toEqual(['ada']);
    expect(await ids({ 'user.age': { $exists: false } })).toEqual(['cy']);
    expect(await ids({ 'user.age': { $ne: 36 } })).toEqual(['bob', 'cy']);
    expect(await ids({ tags: 'x' })).toEqual(['ada', 'bob']);
    expect(await ids({ tags: ['x', 'y'] })).toEqual(['ada']);
    expect(await ids({ flag: true })).toEqual(['ada']);
    expect(await ids({ flag: 1 })).toEqual(['bob']);
    expect(await ids({ flag: { $in: [false, 1] } })).toEqual(['bob', 'cy']);
    expect(await ids({ user: { age: 36, name: 'Ada' } })).toEqual(['ada']);
    expect(await ids({ 'user.name': { $gt: 'B', $lt: 'Cz' } })).toEqual(['bob', 'cy']);
  });
});
