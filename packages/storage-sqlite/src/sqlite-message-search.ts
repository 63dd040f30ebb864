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
import { maxTermFilterCapacity, TermFilter } from './term-filter.ts';
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
  /** Saves, by any process, that changed the words of a message already in FTS5 (migration 0005). */
  edits: number;
}

/**
 * The filter of the tokens in FTS5 (`TermFilter`): `through` is the search key up to which every document's tokens
 * are in it, as of `edits` (the count of word-changing edits when it was built).
 */
interface Vocabulary {
  filter: TermFilter;
  through: number;
  edits: number;
}

/** A vocabulary being built, slice by slice: the stats when it started, and the last token read. */
interface VocabularyBuild extends Vocabulary {
  after: string;
}

/** Most pending documents a search reads; with more, the store flushes them first. */
export const maxPendingRead = 2000;
/** Most terms remembered as common; the memory is cleared when full. */
const maxCommonTerms = 10_000;
/** Most documents another process may have flushed since the last search for their words to be read into the filter. */
const maxVocabularyCatchUp = 2000;
/** Tokens one slice of a vocabulary build reads: 5–8 ms of one event-loop turn (about 1 µs per token here). */
export const vocabularySlice = 5000;
/** Indexes of more documents keep no vocabulary filter (its bits grow with the vocabulary: 4–8 bytes per document). */
const maxVocabularyDocuments = 2_000_000;
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
  /**
   * The tokens FTS5 holds, so that a search skips the FTS5 lookup of a word no message has (a name or a number said for
   * the first time): such a lookup still reads every segment's index, tens of µs, more with cold caches. Built in
   * slices from FTS5's vocabulary (`buildVocabulary`, which the store runs in the background), then kept current:
   * this process's flushes add their tokens, and a search adds the words of documents another process flushed
   * since (read from their messages). A word-changing edit by any process moves `edits`, and the filter is dropped
   * and rebuilt; deletes leave it (a word gone is a false positive: the lookup runs and finds nothing).
   */
  #vocabulary: Vocabulary | undefined;
  #vocabularyBuild: VocabularyBuild | undefined;
  /**
   * Set when FTS5's vocabulary cannot be read on this connection, outgrows the largest filter, or the index holds more
   * than `maxVocabularyDocuments`: no filter then.
   */
  #vocabularyUnavailable = false;
  /** The capacity the next build starts from, raised when a filter outgrows its size (more words than messages suggest). */
  #vocabularyCapacity = 0;

  /** `vocabularyFilter: false` keeps no filter: every word of a search is looked up in FTS5. */
  constructor(database: Database.Database, prefix: string, { vocabularyFilter = true }: { vocabularyFilter?: boolean } = {}) {
    this.#vocabularyUnavailable = !vocabularyFilter;
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
    let edits = 0;
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
        const tokens = terms.map(searchToken);
        statements.deleteTokens.run(key);
        statements.insertTokens.run(key, tokens.join(' '));
        // new words under a key already in FTS5: the vocabulary filters of other processes are stale now (`edits`);
        // this one's takes the words
        edits++;
        this.#rememberTokens(tokens);
      }
    }
    if (edits > 0) {
      // this process's filters count its own edits, unless another process's edit came first (then they are stale);
      // if this transaction rolls back, the counts differ and the filter is rebuilt, which is only slower
      for (const filter of [this.#vocabulary, this.#vocabularyBuild]) if (filter !== undefined && filter.edits === stats!.edits) filter.edits += edits;
      this.#checkVocabularySize();
    }
    if (stats !== undefined) statements.updateStats.run(added, stats.next_key, shrinks, edits);
    else if (added !== 0 || shrinks !== 0) statements.updateStats.run(added, null, shrinks, edits);
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
      const terms = known !== undefined && known.hash === hash ? known.terms : rowTerms(role, content);
      const tokens = terms.map(searchToken);
      statements.insertTokens.run(key, tokens.join(' '));
      this.#rememberTokens(tokens);
    }
    const last = rows[rows.length - 1]![0];
    statements.setIndexedThrough.run(last);
    // a filter holding every document up to `from` already holds them up to `last` now (if this transaction rolls back,
    // the documents stay pending with the same words, and their tokens are in the filter anyway)
    for (const filter of [this.#vocabulary, this.#vocabularyBuild]) if (filter !== undefined && filter.through >= from) filter.through = Math.max(filter.through, last);
    this.#checkVocabularySize();
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
    const stats = statements.stats.get() as StatsRow;
    const { documents, indexed_through: indexedThrough, shrinks } = stats;
    const vocabulary = this.#currentVocabulary(stats);
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
      pending.push([key, new Set(rowTerms(row[0], row[1]))]);
    }
    const scores = new Map<number, number>();
    const matched = new Map<number, string[]>();
    for (const term of terms) {
      const seen = this.#common.get(term);
      if (seen !== undefined && !isSearchableTerm(documents, seen, bound)) continue;
      // the term's documents, up to one past the bound; none when the vocabulary filter knows FTS5 lacks it
      const token = searchToken(term);
      const keys = vocabulary !== undefined && !vocabulary.mayHold(token) ? [] : (statements.keysOf.all(token, bound + 1) as number[]);
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

  /** Whether the store should run `buildVocabulary` (no current filter, and one can be built on this connection). */
  get vocabularyWanted(): boolean {
    return this.#vocabulary === undefined && !this.#vocabularyUnavailable;
  }

  /** The vocabulary filter's size, for tests and diagnostics (undefined while there is none). */
  get vocabularyStats(): { tokens: number; bytes: number; through: number } | undefined {
    const vocabulary = this.#vocabulary;
    return vocabulary && { tokens: vocabulary.filter.count, bytes: vocabulary.filter.bytes, through: vocabulary.through };
  }

  /**
   * Reads one slice of FTS5's vocabulary into the filter being built (call where reads of prepared statements run);
   * true when the filter is complete (or none is wanted), false when more slices are left.
   */
  buildVocabulary(): boolean {
    const statements = this.#prepared;
    let build = this.#vocabularyBuild;
    if (build === undefined) {
      const stats = statements.stats.get() as StatsRow;
      if (stats.documents > maxVocabularyDocuments) {
        this.#vocabularyUnavailable = true;
        return true;
      }
      // what the slices read holds at least every document flushed by now: `through`; later flushes are caught up
      const capacity = Math.max(stats.documents * 3 + 1024, this.#vocabularyCapacity);
      build = this.#vocabularyBuild = { filter: new TermFilter(capacity), through: stats.indexed_through, edits: stats.edits, after: '' };
    }
    let tokens: string[];
    try {
      tokens = (statements.vocabulary ??= this.#prepareVocabulary()).all(build.after, vocabularySlice) as string[];
    } catch {
      // no fts5vocab on this connection (a read-only one cannot create the temp table): searches look every word up
      this.#vocabularyUnavailable = true;
      this.#vocabularyBuild = undefined;
      return true;
    }
    for (const token of tokens) build.filter.add(token);
    if (build.filter.count > build.filter.capacity) {
      // more distinct words than the documents suggested: start over with a filter twice the size
      this.#vocabularyBuild = undefined;
      return !this.#growVocabulary(build.filter);
    }
    if (tokens.length === vocabularySlice) {
      build.after = tokens[tokens.length - 1]!;
      return false;
    }
    // complete, and within its size (checked for each slice)
    this.#vocabularyBuild = undefined;
    this.#vocabulary = { filter: build.filter, through: build.through, edits: build.edits };
    return true;
  }

  #prepareVocabulary(): Database.Statement {
    const table = `"${this.#tokens.slice(1, -1)}_vocabulary"`;
    this.#database.exec(`create virtual table if not exists temp.${table} using fts5vocab(main, ${this.#tokens.replaceAll('"', "'")}, 'row')`);
    return this.#database.prepare(`select term from temp.${table} where term > ? order by term limit ?`).pluck();
  }

  /**
   * The filter a search may trust, caught up with the documents other processes flushed since; undefined (and a build
   * wanted) when there is none, or an edit made it stale, or too many documents arrived to read here.
   */
  #currentVocabulary(stats: StatsRow): TermFilter | undefined {
    const vocabulary = this.#vocabulary;
    if (vocabulary === undefined) return undefined;
    if (vocabulary.edits !== stats.edits) return this.#dropVocabulary();
    if (stats.indexed_through > vocabulary.through) {
      // flushed by another process since: their words, from their messages (an edit since would have moved `edits`)
      if (stats.indexed_through - vocabulary.through > maxVocabularyCatchUp) return this.#dropVocabulary();
      for (const [role, content] of this.#prepared.documentsThrough.all(vocabulary.through, stats.indexed_through) as Array<[role: string, content: string]>) {
        for (const term of rowTerms(role, content)) vocabulary.filter.add(searchToken(term));
      }
      vocabulary.through = stats.indexed_through;
      this.#checkVocabularySize();
    }
    return this.#vocabulary?.filter;
  }

  #dropVocabulary(): undefined {
    this.#vocabulary = undefined;
    this.#vocabularyBuild = undefined;
    return undefined;
  }

  /** Adds tokens now in FTS5 to the filter and to the one being built. */
  #rememberTokens(tokens: readonly string[]): void {
    for (const token of tokens) {
      this.#vocabulary?.filter.add(token);
      this.#vocabularyBuild?.filter.add(token);
    }
  }

  /** A filter holding more tokens than it was sized for answers "maybe" too often: rebuild it larger. */
  #checkVocabularySize(): void {
    const vocabulary = this.#vocabulary;
    if (vocabulary !== undefined && vocabulary.filter.count > vocabulary.filter.capacity) {
      this.#dropVocabulary();
      this.#growVocabulary(vocabulary.filter);
    }
  }

  /** Sizes the next build at twice `outgrown`; false (and no filter from now on) when the largest filter is too small. */
  #growVocabulary(outgrown: TermFilter): boolean {
    if (outgrown.capacity >= maxTermFilterCapacity) {
      this.#vocabularyUnavailable = true;
      return false;
    }
    this.#vocabularyCapacity = Math.max(this.#vocabularyCapacity, outgrown.capacity * 2);
    return true;
  }

  #rememberCommon(term: string, atLeast: number): void {
    if (this.#common.size >= maxCommonTerms) this.#common.clear();
    this.#common.set(term, atLeast);
  }
}

/** The search terms of a message row (its role, and its content's JSON text). */
function rowTerms(role: string, content: string): string[] {
  return messageSearchTerms({ role, content: JSON.parse(content) as JSONValue });
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
    stats: prepare(`select documents, next_key, indexed_through, shrinks, flushes, edits from ${stats} where id = 1`),
    updateStats: prepare(`update ${stats} set documents = documents + ?, next_key = coalesce(?, next_key), shrinks = shrinks + ?, edits = edits + ? where id = 1`),
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
    // the messages of the documents in a range of keys (flushed by another process), for the vocabulary filter
    documentsThrough: prepare(`select role, content from ${messages} where search_key > ? and search_key <= ?`).raw(),
    // FTS5's tokens in order, a slice after a token (prepared on first use: it needs a temp fts5vocab table)
    vocabulary: undefined as Database.Statement | undefined,
  };
}
