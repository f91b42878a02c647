import { ANCHOR_LEASES_SQL } from "./anchorLeases.ts";
import { readingRawPrefixSql } from "./compactRaw.ts";
import { MIGRATION_6, REGISTRY_OUTBOX_SQL } from "./registryOutbox.ts";

/**
 * SQLite schema, version 8. `user_version` records it; a newer file is refused rather than misread, an older
 * one is brought up to date by {@link MIGRATIONS} when it is opened.
 */
export const SCHEMA_VERSION = 8;

/**
 * The messages table of schema 3 to 7 (migration 3 rebuilds an older table into it; migration 8 reads it).
 */
const MESSAGES_COLUMNS_V3 = `
  n           INTEGER PRIMARY KEY,
  id          BLOB NOT NULL UNIQUE,
  kind        TEXT NOT NULL DEFAULT 'reading' CHECK (kind IN ('reading', 'event')),
  device      TEXT NOT NULL,
  seq         INTEGER,
  raw         BLOB NOT NULL,
  device_ts   INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  UNIQUE (device, seq),
  CHECK ((kind = 'reading') = (seq IS NOT NULL))
`;

/** `messages.kind` (schema 8): an integer, stored in no byte at all (SQLite's 0 and 1 live in the row header). */
export const MessageKind = { Reading: 0, Event: 1 } as const;

/**
 * The messages table (schema 8): readings and events side by side, so batching, anchoring and Merkle
 * proofs treat both alike (one anchor covers both). A reading's (signer, seq) is unique: a second message
 * with a used seq is equivocation. An event has no seq (NULL): its signer signs many events with no order
 * between them, and SQLite's UNIQUE treats NULLs as distinct, so (signer, seq) never constrains events;
 * their uniqueness is the message id here and the CBV event hash ID in `events`.
 *
 * A row keeps each fact once (issue 15: bytes on disk per reading). The signer is a small integer key into
 * `signers`, not 42 characters of hex in the row and in each index. A reading's raw bytes lose the 31-byte
 * prefix that its signer's address determines (see compactRaw.ts; `raw_tail` = 1), rebuilt byte-exact when
 * read. The payload JSON of schema 7 is gone: it derives from `raw` and is decoded when read; what queries
 * need of it is kept typed: `temp_c`, and `link` in place of the 32-byte prev (see READINGS_BY_DEVICE_SQL).
 * `payload` remains only for a reading whose raw bytes are not a COSE_Sign1 of its signer — never one from
 * the gateway, which verified each; hand-made and test records — and is NULL (no byte) otherwise.
 */
const MESSAGES_COLUMNS = `
  n           INTEGER PRIMARY KEY,          -- arrival order
  id          BLOB NOT NULL UNIQUE,         -- keccak256(raw)
  kind        INTEGER NOT NULL CHECK (kind IN (0, 1)), -- MessageKind: 0 reading, 1 event
  signer      INTEGER NOT NULL,             -- signers.k: the kid, a device address or an event's signer
  seq         INTEGER,                      -- readings only
  device_ts   INTEGER NOT NULL,             -- reading ts; event eventTime (ms)
  received_at INTEGER NOT NULL,
  temp_c      REAL,                         -- a reading's m.temp_c, NULL when it has none
  link        INTEGER,                      -- readings: 1 prev = id of seq - 1 (zeros for seq 1), 0 not, NULL unknown
  raw_tail    INTEGER NOT NULL CHECK (raw_tail IN (0, 1)), -- 1: raw is what follows readingRawPrefix(signer)
  raw         BLOB NOT NULL,
  payload     TEXT,                         -- see above: NULL for every reading the gateway stored and every event
  UNIQUE (signer, seq),
  CHECK ((kind = 0) = (seq IS NOT NULL))
`;

/** Every address that signed a stored message (schema 8), under a key that rows and indexes hold instead. */
const SIGNERS_SQL = `
CREATE TABLE IF NOT EXISTS signers (
  k       INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE
) STRICT;
`;

/**
 * Organisations, their keys and credentials, events and capture jobs (schema 3). Created by SCHEMA_SQL for
 * a new file and by migration 3 for an older one; IF NOT EXISTS, so running both is harmless.
 */
const EVENT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS organisations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
-- A location belongs to one organisation: it may capture events there, no other may.
CREATE TABLE IF NOT EXISTS organisation_glns (
  gln          TEXT PRIMARY KEY,
  organisation TEXT NOT NULL REFERENCES organisations (id)
) STRICT;
CREATE INDEX IF NOT EXISTS organisation_glns_org ON organisation_glns (organisation);
-- The same lifecycle fields as devices (registered, revoked, rotated from / to).
CREATE TABLE IF NOT EXISTS organisation_keys (
  address       TEXT PRIMARY KEY,
  organisation  TEXT NOT NULL REFERENCES organisations (id),
  public_key    BLOB NOT NULL,
  registered_at INTEGER NOT NULL,
  revoked_at    INTEGER,
  rotated_from  TEXT,
  rotated_to    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS organisation_keys_org ON organisation_keys (organisation);
-- Only the SHA-256 of a credential's token is kept: a stolen file does not hand out API access.
CREATE TABLE IF NOT EXISTS organisation_credentials (
  id           TEXT PRIMARY KEY,
  organisation TEXT NOT NULL REFERENCES organisations (id),
  token_sha256 BLOB NOT NULL UNIQUE,
  label        TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER
) STRICT;
-- One row per stored event; n is its message's arrival number in messages.
CREATE TABLE IF NOT EXISTS events (
  n            INTEGER PRIMARY KEY,
  event_hash   TEXT NOT NULL UNIQUE,        -- CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0)
  event_id     TEXT NOT NULL,               -- the event's eventID (its hash ID when it had none)
  organisation TEXT NOT NULL,
  signed_by    TEXT NOT NULL CHECK (signed_by IN ('organisation', 'attester')),
  type         TEXT NOT NULL,
  event_time   INTEGER NOT NULL,            -- ms since epoch
  record_time  INTEGER NOT NULL,            -- ms since epoch, when captured here
  action       TEXT,
  biz_step     TEXT,
  disposition  TEXT,
  read_point   TEXT,
  biz_location TEXT,
  visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  event_json   TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS events_event_id ON events (event_id);
CREATE INDEX IF NOT EXISTS events_event_time ON events (event_time);
CREATE INDEX IF NOT EXISTS events_record_time ON events (record_time);
CREATE INDEX IF NOT EXISTS events_org_time ON events (organisation, event_time);
CREATE INDEX IF NOT EXISTS events_biz_location ON events (biz_location, event_time);
CREATE INDEX IF NOT EXISTS events_read_point ON events (read_point, event_time);
-- Every identifier an event names, in canonical form, with its role: "the events of this EPC" is one
-- index range, then ordered by time through events.
CREATE TABLE IF NOT EXISTS event_epcs (
  n    INTEGER NOT NULL,
  epc  TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('epc', 'parent', 'child', 'input', 'output', 'class')),
  PRIMARY KEY (epc, role, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_epcs_n ON event_epcs (n);
CREATE TABLE IF NOT EXISTS capture_jobs (
  id           TEXT PRIMARY KEY,
  organisation TEXT,
  state        TEXT NOT NULL CHECK (state IN ('running', 'success', 'failed')),
  created_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  result       TEXT NOT NULL DEFAULT '{}'
) STRICT;
`;

/**
 * Provenance (schema 4): a device's GIAI (how EPCIS AssociationEvents name it) and temperature profiles per
 * GTIN (schema 4 also indexed readings by (device, time): schema 5 replaced that index, see
 * {@link READINGS_BY_DEVICE_SQL}). Created by SCHEMA_SQL for a
 * new file and by migration 4 for an older one; IF NOT EXISTS, so running both is harmless. The GIAI has
 * its own table rather than a column of `devices`: SCHEMA_SQL runs on an older file before its migrations,
 * and an ALTER TABLE ADD COLUMN in a migration would then meet the column a newer CREATE TABLE had made.
 */
const PROVENANCE_SQL = `
-- A device's GS1 GIAI (AI 8004) as the bare key: one GIAI per device, one device per GIAI.
CREATE TABLE IF NOT EXISTS device_giais (
  giai    TEXT PRIMARY KEY,
  address TEXT NOT NULL UNIQUE REFERENCES devices (address)
) STRICT;
-- gtin: 14 digits, or 'default' for the profile of every other GTIN.
CREATE TABLE IF NOT EXISTS temperature_profiles (
  gtin                  TEXT PRIMARY KEY,
  name                  TEXT NOT NULL,
  min_c                 REAL NOT NULL,
  max_c                 REAL NOT NULL,
  max_single_ms         INTEGER NOT NULL,
  max_cumulative_ms     INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
) STRICT;
`;

/**
 * Schema 5, reshaped by schema 8: a device's readings in time order with everything a provenance request
 * reads of them, so the request reads this index alone and never the rows. A sensor's rows lie scattered
 * among every other device's (a 30-day record of 43,200 readings among millions of rows: about one table
 * page per reading); its index entries lie together. bench:provenance at 1 M readings: the window's SQL went
 * from 220 to 83 ms of CPU with it (schema 5).
 *
 * Schema 5 kept each reading's prev here as 66 characters of hex. In an unbroken chain prev is the id of
 * the device's previous reading, which the entry before holds already: schema 8 keeps `link` instead (set
 * at insert, 1 when prev equals the id stored for (signer, seq - 1), 0 when it differs, NULL when that
 * reading was not stored yet), no byte in the entry, and a reader rebuilds prev from the ids
 * (readingPrevs.ts); only a reading whose link is not 1 has its prev read from its row. Partial (readings
 * only): events have no seq. Created after the migrations: a file older than schema 8 has no `signer`.
 */
export const READINGS_BY_DEVICE_SQL = `
CREATE INDEX IF NOT EXISTS messages_device_readings
  ON messages (signer, device_ts, seq, id, link, temp_c)
  WHERE kind = 0;
`;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS devices (
  address       TEXT PRIMARY KEY,
  public_key    BLOB NOT NULL,
  label         TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  revoked_at    INTEGER,
  flagged_at    INTEGER,
  -- Key rotation, as in SealtrailDeviceRegistry.rotate: the new key names the old one and the old one,
  -- revoked at the same instant, names its successor.
  rotated_from  TEXT,
  rotated_to    TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS messages (${MESSAGES_COLUMNS}) STRICT;
${SIGNERS_SQL}
-- Listing readings by receive time (GET /readings?receivedFrom=…) seeks here instead of scanning millions of
-- rows. received_at grows with arrival, so each insert touches the rightmost page only.
CREATE INDEX IF NOT EXISTS messages_received_at ON messages (received_at);

-- A batch is the run of messages with first_n <= n <= last_n (arrival order): sealing one is a single
-- INSERT whatever its size, and a message's batch is found by range.
CREATE TABLE IF NOT EXISTS batches (
  id        INTEGER PRIMARY KEY,
  root      BLOB NOT NULL UNIQUE,
  first_n   INTEGER NOT NULL,
  last_n    INTEGER NOT NULL UNIQUE,
  size      INTEGER NOT NULL,
  sealed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS anchors (
  batch_id        INTEGER NOT NULL REFERENCES batches (id),
  chain_id        INTEGER NOT NULL,
  contract        TEXT NOT NULL,
  status          TEXT NOT NULL,
  tx_hash         TEXT,
  nonce           INTEGER,
  raw_tx          TEXT,
  max_fee_per_gas TEXT,
  max_priority_fee_per_gas TEXT,
  submitted_at    INTEGER,
  attempts        INTEGER NOT NULL DEFAULT 0,
  block_number    INTEGER,
  block_timestamp INTEGER,
  gas_used        TEXT,
  fee_wei         TEXT,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (batch_id, chain_id, contract)
) STRICT;
CREATE INDEX IF NOT EXISTS anchors_target_status ON anchors (chain_id, contract, status);

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
${EVENT_TABLES_SQL}
${PROVENANCE_SQL}
${REGISTRY_OUTBOX_SQL}
${ANCHOR_LEASES_SQL}`;

// Migration 8 reads what schema 7 kept in each row's payload JSON (a reading's prev and m.temp_c).
const V7_READING = "m.kind = 'reading' AND json_valid(m.payload)";
const V7_PREV = "unhex(substr(json_extract(m.payload, '$.prev'), 3))";
const V7_TEMP_C = "json_extract(m.payload, '$.m.temp_c')";
const V7_COMPACT = `coalesce(m.kind = 'reading' AND length(m.raw) > 31 AND substr(m.raw, 1, 31) = ${readingRawPrefixSql("m.device")}, 0)`;

/**
 * Schema 7 to 8: the messages table rebuilt once (O(rows); n copied unchanged, so batches still find their
 * messages), each fact kept once: see MESSAGES_COLUMNS. `link` is computed as the insert path computes it,
 * from the prev in the payload JSON against the id stored for (device, seq - 1), found through schema 7's
 * (device, seq) index. The covering index is rebuilt by READINGS_BY_DEVICE_SQL after this step.
 */
const MIGRATION_8 = `
INSERT OR IGNORE INTO signers (address) SELECT device FROM messages GROUP BY device ORDER BY min(n);
CREATE TABLE messages_v8 (${MESSAGES_COLUMNS}) STRICT;
INSERT INTO messages_v8 (n, id, kind, signer, seq, device_ts, received_at, temp_c, link, raw_tail, raw, payload)
  SELECT m.n, m.id, CASE m.kind WHEN 'reading' THEN 0 ELSE 1 END, s.k, m.seq, m.device_ts, m.received_at,
    CASE WHEN ${V7_READING} AND typeof(${V7_TEMP_C}) IN ('integer', 'real') THEN ${V7_TEMP_C} END,
    CASE WHEN NOT (${V7_READING}) THEN NULL
         WHEN m.seq = 1 THEN ${V7_PREV} = zeroblob(32)
         ELSE ${V7_PREV} = (SELECT p.id FROM messages p WHERE p.device = m.device AND p.seq = m.seq - 1) END,
    ${V7_COMPACT},
    CASE WHEN ${V7_COMPACT} THEN substr(m.raw, 32) ELSE m.raw END,
    CASE WHEN m.kind = 'reading' AND NOT ${V7_COMPACT} THEN m.payload END
  FROM messages m JOIN signers s ON s.address = m.device ORDER BY m.n;
DROP TABLE messages;
ALTER TABLE messages_v8 RENAME TO messages;
CREATE INDEX IF NOT EXISTS messages_received_at ON messages (received_at);
`;

/** The steps that rebuild the messages table (and do nothing else that SCHEMA_SQL has not done). */
export const MESSAGES_REBUILDS: readonly number[] = [3, 8];

/**
 * What brings a file of version `n - 1` to version `n`, keyed by `n`. A new file gets SCHEMA_SQL, which is
 * already the latest version, and skips these.
 */
export const MIGRATIONS: Readonly<Record<number, string>> = {
  2: `
ALTER TABLE devices ADD COLUMN rotated_from TEXT;
ALTER TABLE devices ADD COLUMN rotated_to TEXT;
`,
  // SQLite cannot drop NOT NULL from seq in place: the table is rebuilt (once, O(rows)), every message a
  // reading. The batches find their messages by arrival number n, which is copied unchanged.
  3: `
CREATE TABLE messages_v3 (${MESSAGES_COLUMNS_V3}) STRICT;
INSERT INTO messages_v3 (n, id, kind, device, seq, raw, device_ts, received_at, payload)
  SELECT n, id, 'reading', device, seq, raw, device_ts, received_at, payload FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v3 RENAME TO messages;
CREATE INDEX IF NOT EXISTS messages_received_at ON messages (received_at);
${EVENT_TABLES_SQL}`,
  4: PROVENANCE_SQL,
  // The covering index that replaces (device, device_ts) is built once over every reading, O(rows log rows),
  // by READINGS_BY_DEVICE_SQL after this step: 3.8 s of CPU for a file of 1 million readings here.
  5: "DROP INDEX IF EXISTS messages_device_ts;",
  // The registry outbox, with every key change the file already holds queued (see registryOutbox.ts).
  6: MIGRATION_6,
  // Anchoring leases (see anchorLeases.ts): an empty table; the first anchorer to run takes each lease.
  7: ANCHOR_LEASES_SQL,
  8: MIGRATION_8,
};
