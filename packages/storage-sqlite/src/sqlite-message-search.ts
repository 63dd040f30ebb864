import {
  compareSearchHits,
  defaultMaxDocumentFrequency,
  isSearchableTerm,
  messageSearchTerms,
  queryTerms,
  termWeight,
  type JSONValue,
  type MessageSearchHit,
  type SearchMessagesQuery,
  type StorageMessage,
} from '@mastra-ts/core';
import type Database from 'better-sqlite3';
import { searchToken, termsHash } from './search-tokens.ts';
import { withStablePlans } from './stable-plan-sql.ts';

/** A pending document's terms, with their hash (`messages.search_hash`) and as a set for searches. */
export interface PendingDocument {
  terms: readonly string[];
  hash: number;
  set: ReadonlySet<string>;
}

/** Terms of pending documents by search key. */
export type PendingTerms = Map<number, PendingDocument>;

/**
 * How `index` saves a message it keys (see there): inserted with its search key and terms' hash (null: no words) when
 * its id is not stored yet, and then it answers true; otherwise upserted with its search columns left alone (false).
 */
export type MessageWriter = (message: StorageMessage, searchKey: number | null, searchHash: number | null) => boolean;

function pendingDocument(terms: readonly string[], hash: number): PendingDocument {
  return { terms, hash, set: new Set(terms) };
}

interface StatsRow {
  documents: number;
  next_key: number;
  indexed_through: number;
  /** Deletes and word-changing edits so far (migration 0004): when it moves, a common word may have become rare. */
  shrinks: number;
  /** Flushes into FTS5, by any process, since its segments were last merged (migration 0004). */
  flushes: number;
}

/** Most pending documents a search reads; with more, the store flushes them first. */
export const maxPendingRead = 2000;
/** Most terms remembered as common; the memory is cleared when full. */
const maxCommonTerms = 10_000;
const scopeThread = 1;
const scopeResource = 2;

/**
 * The keyword index of a SQLite memory store (migration 0003). A message with words is a search document: it gets a
 * search key (`messages.search_key`, stable under `VACUUM`, unlike rowids) and a hash of its terms, and an FTS5 table
 * holds its terms as tokens (`searchToken`) under that key, contentless and without positions.
 *
 * `saveMessages` assigns the keys in its transaction; the tokens go into FTS5 a little later, many saves in one
 * transaction (`flush`), because FTS5 pays about 80 µs per transaction whatever it holds, more than a short message's
 * save. Until then a document is pending (its key is above `indexed_through`) and searches read it directly (its
 * terms from this process's memory, or from the message when another process saved it), so a search sees every
 * committed message. A crash loses nothing: pending documents are committed rows, indexed by the next flush. Deletes
 * go through a trigger; edits of indexed documents rewrite their tokens at once.
 *
 * A search reads each query term's keys from FTS5 up to one past the rarity bound and skips the terms that have more
 * (remembering them, see `#common`), adds the pending documents holding the terms, scores the documents in JavaScript
 * and looks them up for the scope and the time. Statements are prepared on first use (the tables exist only after
 * `migrate()`).
 */
export class SqliteMessageSearch {
  readonly #database: Database.Database;
  readonly #messages: string;
  readonly #tokens: string;
  readonly #stats: string;
  #statements: SearchStatements | undefined;
  /** The candidates' messages, by scope (bits `scope…`). */
  readonly #documentsByKey: Database.Statement[] = [];
  /**
   * Terms of the pending documents this process saved (see `committed`). Another process may edit one before it is
   * flushed: a flush uses them only while their hash is still the row's `search_hash`, and a search that sees
   * `shrinks` move (edits count there) drops the ones whose hash moved.
   */
  readonly #pending: PendingTerms = new Map();
  /**
   * Terms found too common to search, with the count seen. The count is a lower bound (a term's count only grows
   * until a message holding it is deleted or edited, which clears this), and a term too common for a count is too
   * common for any larger one, so searches skip these while `isSearchableTerm` still rejects the count seen, without
   * asking FTS5 again: each FTS5 query costs tens of µs, and for a word in most messages it reads the whole list.
   * Deletes and edits, by any process, move `message_search_stats.shrinks`; a search that sees it move drops this.
   */
  readonly #common = new Map<string, number>();
  /** `shrinks` when `#common` was last valid. */
  #shrinksSeen = -1;

  constructor(database: Database.Database, prefix: string) {
    this.#database = database;
    this.#messages = `"${prefix}messages"`;
    this.#tokens = `"${prefix}message_search_tokens"`;
    this.#stats = `"${prefix}message_search_stats"`;
  }

  get #prepared(): SearchStatements {
    return (this.#statements ??= prepareSearchStatements(this.#database, this.#messages, this.#tokens, this.#stats));
  }

  /**
   * Keys the search documents of saved messages (inserts or replaces); call inside the write transaction that saved
   * them, after the messages, and pass what it returns to `committed` once that transaction committed.
   *
   * With `save`, the messages are saved here too, one by one: a new message is inserted with its key and terms' hash
   * in one statement; one already stored is upserted by `save` and keyed as below.
   */
  index(messages: readonly StorageMessage[], save?: MessageWriter): PendingTerms {
    const statements = this.#prepared;
    const pending: PendingTerms = new Map();
    let stats: StatsRow | undefined;
    let added = 0;
    let shrinks = 0;
    for (const message of messages) {
      const terms = messageSearchTerms(message);
      if (terms.length === 0) {
        if (save?.(message, null, null)) continue;
        const state = statements.selectState.get(message.id) as { search_key: number | null };
        if (state.search_key === null) continue;
        // edited to have no words: no longer a document
        statements.deleteTokens.run(state.search_key);
        statements.setKey.run(null, null, message.id);
        added--;
        shrinks++;
        continue;
      }
      stats ??= statements.stats.get() as StatsRow;
      const hash = termsHash(terms);
      let key: number;
      if (save?.(message, stats.next_key, hash)) key = stats.next_key;
      else {
        // one statement: keeps the message's key or gives it the next one, and says nothing when its words did not change
        const changed = statements.keyMessage.get(stats.next_key, hash, message.id, hash) as { search_key: number } | undefined;
        if (!changed) continue;
        key = changed.search_key;
      }
      if (key === stats.next_key) {
        // the usual case, a new message: its tokens wait for the next flush
        stats.next_key++;
        pending.set(key, pendingDocument(terms, hash));
        added++;
        continue;
      }
      // an edit can make a common term rare again (the next search sees `shrinks` move)
      shrinks++;
      if (key > stats.indexed_through) {
        pending.set(key, pendingDocument(terms, hash));
      } else {
        statements.deleteTokens.run(key);
        statements.insertTokens.run(key, tokensOf(terms));
      }
    }
    if (stats !== undefined) statements.updateStats.run(added, stats.next_key, shrinks);
    else if (added !== 0 || shrinks !== 0) statements.updateStats.run(added, null, shrinks);
    return pending;
  }

  /** Records the terms of documents whose save committed, for searches until they are flushed. */
  committed(pending: PendingTerms): void {
    for (const [key, document] of pending) this.#pending.set(key, document);
  }

  /** How many documents this process knows to be pending. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Moves up to `max` pending documents into FTS5 (call inside a write transaction); returns how many it moved. Terms
   * come from this process's memory, or from the messages for documents saved by another process or before a crash.
   */
  flush(max: number): number {
    const statements = this.#prepared;
    const { indexed_through: from } = statements.stats.get() as StatsRow;
    const rows = statements.pendingDocuments.all(from, max) as Array<[key: number, hash: number, role: string, content: string]>;
    if (rows.length === 0) return 0;
    for (const [key, hash, role, content] of rows) {
      // this process's terms, unless another process edited the message since (then its hash moved)
      const known = this.#pending.get(key);
      const terms = known !== undefined && known.hash === hash ? known.terms : messageSearchTerms({ role, content: JSON.parse(content) as JSONValue });
      statements.insertTokens.run(key, tokensOf(terms));
    }
    statements.setIndexedThrough.run(rows[rows.length - 1]![0]);
    return rows.length;
  }

  /**
   * Forgets the terms of flushed documents (after the flush's transaction committed); `nothingLeft`: the flush found no
   * pending document, so what is still remembered was deleted before its flush.
   */
  flushed(nothingLeft: boolean): void {
    if (nothingLeft) {
      this.#pending.clear();
      return;
    }
    const { indexed_through: through } = this.#prepared.stats.get() as StatsRow;
    for (const key of this.#pending.keys()) if (key <= through) this.#pending.delete(key);
  }

  /** Runs a search (a read; call it where reads of prepared statements run); also says how many documents were pending. */
  search(query: SearchMessagesQuery): { hits: MessageSearchHit[]; pending: number } {
    const terms = queryTerms(query.terms);
    if (terms.length === 0 || query.limit <= 0) return { hits: [], pending: 0 };
    const statements = this.#prepared;
    const { documents, indexed_through: indexedThrough, shrinks } = statements.stats.get() as StatsRow;
    if (shrinks !== this.#shrinksSeen) {
      // messages were deleted or edited since (here or by another process): counts seen before may be too high now,
      // and a pending message this process remembers may have other words now (then it is read from the row below)
      this.#common.clear();
      this.#shrinksSeen = shrinks;
      if (this.#pending.size > 0) {
        for (const [key, hash] of statements.pendingHashes.all(indexedThrough, maxPendingRead) as Array<[key: number, hash: number]>) {
          const known = this.#pending.get(key);
          if (known !== undefined && known.hash !== hash) this.#pending.delete(key);
        }
      }
    }
    const bound = query.maxDocumentFrequency ?? defaultMaxDocumentFrequency;
    // documents not in FTS5 yet, with their terms
    const pending: Array<[key: number, terms: ReadonlySet<string>]> = [];
    for (const key of statements.pendingKeys.all(indexedThrough, maxPendingRead) as number[]) {
      // terms from this process's memory; a message another process saved (or edited since, see above) is read and
      // cut here
      const known = this.#pending.get(key);
      if (known !== undefined) {
        pending.push([key, known.set]);
        continue;
      }
      const row = statements.messageOfKey.get(key) as [role: string, content: string] | undefined;
      // deleted by another process between the two reads
      if (!row) continue;
      pending.push([key, new Set(messageSearchTerms({ role: row[0], content: JSON.parse(row[1]) as JSONValue }))]);
    }
    const scores = new Map<number, number>();
    const matched = new Map<number, string[]>();
    for (const term of terms) {
      const seen = this.#common.get(term);
      if (seen !== undefined && !isSearchableTerm(documents, seen, bound)) continue;
      // the term's documents, up to one past the bound
      const keys = statements.keysOf.all(searchToken(term), bound + 1) as number[];
      if (pending.length > 0) {
        // each read is its own snapshot: another process's flush between them can put a pending key in FTS5 too
        const inFts = new Set(keys);
        for (const [key, held] of pending) if (held.has(term) && !inFts.has(key)) keys.push(key);
      }
      if (!isSearchableTerm(documents, keys.length, bound)) {
        if (keys.length > 0) this.#rememberCommon(term, keys.length);
        continue;
      }
      const weight = termWeight(documents, keys.length);
      for (const key of keys) {
        scores.set(key, (scores.get(key) ?? 0) + weight);
        const list = matched.get(key);
        if (list) list.push(term);
        else matched.set(key, [term]);
      }
    }
    if (scores.size === 0) return { hits: [], pending: pending.length };
    const variant = (query.threadId === undefined ? 0 : scopeThread) | (query.resourceId === undefined ? 0 : scopeResource);
    const select = (this.#documentsByKey[variant] ??= this.#database
      .prepare(
        // the cross join keeps SQLite on the candidates' keys (with a scope filter it might read a thread's messages)
        withStablePlans(
          `select m.search_key, m.id, m.thread_id, m.resource_id, m.created_at from json_each(?) j cross join ${this.#messages} m where m.search_key = j.value` +
            (variant & scopeThread ? ' and m.thread_id = ?' : '') +
            (variant & scopeResource ? ' and m.resource_id = ?' : ''),
        ),
      )
      .raw());
    const parameters: unknown[] = [JSON.stringify([...scores.keys()])];
    if (query.threadId !== undefined) parameters.push(query.threadId);
    if (query.resourceId !== undefined) parameters.push(query.resourceId);
    const rows = select.all(parameters) as Array<[key: number, messageId: string, threadId: string, resourceId: string | null, createdAt: number]>;
    const hits: MessageSearchHit[] = rows.map(([key, id, threadId, resourceId, createdAt]) => ({
      id,
      threadId,
      ...(resourceId === null ? {} : { resourceId }),
      createdAt: new Date(createdAt),
      score: scores.get(key)!,
      matched: matched.get(key)!,
    }));
    hits.sort(compareSearchHits);
    hits.length = Math.min(hits.length, query.limit);
    return { hits, pending: pending.length };
  }

  /**
   * Whether the automatic merge is due: `every` flushes into FTS5 (by any process sharing the file) since the segments
   * were last merged, and the index holds at most `upTo` messages.
   */
  mergeDue(every: number, upTo: number): boolean {
    const { flushes, documents } = this.#prepared.stats.get() as StatsRow;
    return every > 0 && flushes >= every && documents <= upTo;
  }

  /** Merges FTS5's segments into one (call inside a write transaction): its cost grows with the index. */
  optimize(): void {
    this.#prepared.optimize.run();
    this.#prepared.resetFlushes.run();
  }

  #rememberCommon(term: string, atLeast: number): void {
    if (this.#common.size >= maxCommonTerms) this.#common.clear();
    this.#common.set(term, atLeast);
  }
}

function tokensOf(terms: readonly string[]): string {
  return terms.map(searchToken).join(' ');
}

type SearchStatements = ReturnType<typeof prepareSearchStatements>;

function prepareSearchStatements(database: Database.Database, messages: string, tokens: string, stats: string) {
  // planned once (see `withStablePlans`)
  const prepare = (sql: string): Database.Statement => database.prepare(withStablePlans(sql));
  return {
    selectState: prepare(`select search_key from ${messages} where id = ?`),
    // a message's key (kept, or the next one) and its terms' hash, only when the hash changed: (next key, hash, id, hash)
    keyMessage: prepare(`update ${messages} set search_key = coalesce(search_key, ?), search_hash = ? where id = ? and search_hash is not ? returning search_key`),
    setKey: prepare(`update ${messages} set search_key = ?, search_hash = ? where id = ?`),
    insertTokens: prepare(`insert into ${tokens} (rowid, tokens) values (?, ?)`),
    deleteTokens: prepare(`delete from ${tokens} where rowid = ?`),
    stats: prepare(`select documents, next_key, indexed_through, shrinks, flushes from ${stats} where id = 1`),
    updateStats: prepare(`update ${stats} set documents = documents + ?, next_key = coalesce(?, next_key), shrinks = shrinks + ? where id = 1`),
    // a flush: its documents are in FTS5 now, and FTS5 has one more segment
    setIndexedThrough: prepare(`update ${stats} set indexed_through = ?, flushes = flushes + 1 where id = 1`),
    resetFlushes: prepare(`update ${stats} set flushes = 0 where id = 1`),
    // the keys of documents whose tokens are not in FTS5 yet, oldest first (from the partial index on search_key alone)
    pendingKeys: prepare(`select search_key from ${messages} where search_key > ? order by search_key limit ?`).pluck(),
    messageOfKey: prepare(`select role, content from ${messages} where search_key = ?`).raw(),
    // the pending documents' hashes, to check the terms remembered here after an edit (rare: \`shrinks\` moved)
    pendingHashes: prepare(`select search_key, search_hash from ${messages} where search_key > ? order by search_key limit ?`).raw(),
    // the same with their messages' role and content, for a flush
    pendingDocuments: prepare(`select search_key, search_hash, role, content from ${messages} where search_key > ? order by search_key limit ?`).raw(),
    optimize: prepare(`insert into ${tokens} (${tokens}) values ('optimize')`),
    // the documents holding a token, up to a bound
    keysOf: prepare(`select rowid from ${tokens} where ${tokens} match ? limit ?`).pluck(),
  };
}
