import type { RecordStore } from '@mastra-ts/core';
import { ConflictError, Records, TypeValidationError } from '@mastra-ts/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory } from './describe-memory-store.ts';

/** The `RecordStore` conformance suite, driven through core's `Records` API. */
export function describeRecordStore(name: string, factory: StoreFactory<RecordStore>): void {
  describe(`RecordStore conformance: ${name}`, () => {
    let records: Records;
    let tick = 0;
    beforeEach(async () => {
      tick = 0;
      records = new Records(await factory(), { now: () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000) });
    });

    it('creates, reads, updates and deletes', async () => {
      const id = await records.create('users', { name: 'Ada', age: 36 });
      const created = await records.read('users', id);
      expect(created).toMatchObject({ id, table: 'users', data: { name: 'Ada', age: 36 } });
      const updated = await records.update('users', id, { age: 37 }, { merge: true });
      expect(updated.data).toEqual({ name: 'Ada', age: 37 });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(updated.createdAt.getTime());
      expect(updated.createdAt).toEqual(created?.createdAt);
      expect(await records.delete('users', id)).toBe(true);
      expect(await records.read('users', id)).toBeNull();
      expect(await records.delete('users', id)).toBe(false);
    });

    it('a duplicate explicit id conflicts', async () => {
      await records.create('users', { name: 'a' }, { id: 'u1' });
      await expect(records.create('users', { name: 'b' }, { id: 'u1' })).rejects.toSatisfy(ConflictError.isInstance);
      expect((await records.read('users', 'u1'))?.data).toEqual({ name: 'a' });
    });

    it('tables are separate', async () => {
      await records.create('a', { x: 1 }, { id: 'same' });
      await records.create('b', { x: 2 }, { id: 'same' });
      expect((await records.read('a', 'same'))?.data).toEqual({ x: 1 });
      expect((await records.list('b')).items).toHaveLength(1);
    });

    it('lists with where on JSON fields, order and cursor pages', async () => {
      for (let index = 0; index < 7; index++) await records.create('items', { rank: 7 - index, group: index % 2 === 0 ? 'even' : 'odd', nested: { flag: index > 3 } }, { id: `i${index}` });
      const even = await records.list('items', { where: { group: 'even' }, orderBy: { field: 'rank', direction: 'asc' } });
      expect(even.items.map((item) => item.id)).toEqual(['i6', 'i4', 'i2', 'i0']);
      const filtered = await records.list('items', { where: { rank: { $gte: 3, $lt: 6 }, 'nested.flag': true } });
      expect(filtered.items.map((item) => item.id).sort()).toEqual(['i4']);
      const inList = await records.list('items', { where: { rank: { $in: [1, 2] } } });
      expect(inList.items.map((item) => item.id).sort()).toEqual(['i5', 'i6']);
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await records.list('items', { limit: 3, orderBy: { field: 'createdAt', direction: 'desc' }, ...(cursor ? { cursor } : {}) });
        pages.push(page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([['i6', 'i5', 'i4'], ['i3', 'i2', 'i1'], ['i0']]);
    });

    it('refuses table names and field paths that are not identifiers', async () => {
      await expect(records.create('users; DROP TABLE x', { a: 1 })).rejects.toSatisfy(TypeValidationError.isInstance);
      await expect(records.list('users', { where: { "a') OR 1=1 --": 1 } })).rejects.toSatisfy(TypeValidationError.isInstance);
      await expect(records.list('users', { orderBy: { field: 'x"y' } })).rejects.toSatisfy(TypeValidationError.isInstance);
    });

    it('values that look like SQL are data', async () => {
      const id = await records.create('users', { name: "Robert'); DROP TABLE users;--" });
      const found = await records.list('users', { where: { name: "Robert'); DROP TABLE users;--" } });
      expect(found.items.map((item) => item.id)).toEqual([id]);
    });
  });
}
