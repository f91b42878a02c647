/**
 * SQLite schema, version 2. `user_version` records it; a newer file is refused rather than misread, an older
 * one is brought up to date by {@link MIGRATIONS} when it is opened.
 */
export const SCHEMA_VERSION = 2;

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

CREATE TABLE IF NOT EXISTS messages (
  n           INTEGER PRIMARY KEY,          -- arrival order
  id          BLOB NOT NULL UNIQUE,         -- keccak256(raw)
  device      TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  raw         BLOB NOT NULL,
  device_ts   INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  UNIQUE (device, seq)
) STRICT;
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
`;

/**
 * What brings a file of version `n - 1` to version `n`, keyed by `n`. A new file gets SCHEMA_SQL, which is
 * already the latest version, and skips these.
 */
export const MIGRATIONS: Readonly<Record<number, string>> = {
  2: `
ALTER TABLE devices ADD COLUMN rotated_from TEXT;
ALTER TABLE devices ADD COLUMN rotated_to TEXT;
`,
};
