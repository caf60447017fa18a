CREATE TABLE cases (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	created_at DATETIME NOT NULL,
	UNIQUE (uuid),
	UNIQUE (name)
);

CREATE TABLE codebook_versions (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	number INTEGER NOT NULL,
	name VARCHAR(255) NOT NULL,
	label VARCHAR(64) NOT NULL,
	content_hash VARCHAR(64) NOT NULL,
	snapshot_json TEXT NOT NULL,
	source_path TEXT,
	loaded_by VARCHAR(255),
	loaded_at DATETIME NOT NULL,
	UNIQUE (number)
);

CREATE TABLE coders (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	"key" VARCHAR(255) NOT NULL,
	role VARCHAR(16) NOT NULL,
	retired BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	db_role VARCHAR(63),
	UNIQUE (uuid),
	UNIQUE (name),
	UNIQUE ("key")
);

CREATE UNIQUE INDEX ix_coders_db_role ON coders (db_role);

CREATE TABLE codes (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	"key" VARCHAR(64) NOT NULL,
	label VARCHAR(255) NOT NULL,
	parent_id INTEGER,
	position INTEGER NOT NULL,
	brief TEXT,
	definition TEXT NOT NULL,
	when_to_use TEXT,
	when_not_to_use TEXT,
	examples_json TEXT NOT NULL,
	colour VARCHAR(16),
	retired BOOLEAN NOT NULL,
	applicable BOOLEAN NOT NULL,
	first_version INTEGER NOT NULL,
	UNIQUE (uuid),
	UNIQUE ("key"),
	FOREIGN KEY(parent_id) REFERENCES codes (id) ON DELETE SET NULL
);

CREATE INDEX ix_codes_parent_id ON codes (parent_id);

CREATE TABLE events (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	at DATETIME NOT NULL,
	actor VARCHAR(255) NOT NULL,
	action VARCHAR(32) NOT NULL,
	batch VARCHAR(36) NOT NULL,
	target_type VARCHAR(16) NOT NULL,
	target_id INTEGER,
	before_json TEXT,
	after_json TEXT,
	summary TEXT NOT NULL,
	undoes VARCHAR(36)
);

CREATE INDEX ix_events_actor ON events (actor);

CREATE INDEX ix_events_batch ON events (batch);

CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY ("key")
);

CREATE TABLE case_attributes (
	case_id INTEGER NOT NULL,
	name VARCHAR(128) NOT NULL,
	value TEXT,
	PRIMARY KEY (case_id, name),
	FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE CASCADE
);

CREATE TABLE documents (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	text TEXT NOT NULL,
	sha256 VARCHAR(64) NOT NULL,
	source_path TEXT,
	source_format VARCHAR(16) NOT NULL,
	encoding VARCHAR(32),
	chars INTEGER NOT NULL,
	words INTEGER NOT NULL,
	metadata_json TEXT NOT NULL,
	case_id INTEGER,
	revision INTEGER NOT NULL,
	imported_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (uuid),
	UNIQUE (name),
	FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE SET NULL
);

CREATE INDEX ix_documents_case_id ON documents (case_id);

CREATE TABLE memos (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	target_type VARCHAR(16) NOT NULL,
	target_id INTEGER,
	coder_id INTEGER,
	text TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	UNIQUE (uuid),
	FOREIGN KEY(coder_id) REFERENCES coders (id)
);

CREATE INDEX ix_memos_target ON memos (target_type, target_id);

CREATE TABLE rounds (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	name VARCHAR(255) NOT NULL,
	codebook_version_id INTEGER,
	blind BOOLEAN NOT NULL,
	status VARCHAR(16) NOT NULL,
	created_at DATETIME NOT NULL,
	UNIQUE (uuid),
	UNIQUE (name),
	FOREIGN KEY(codebook_version_id) REFERENCES codebook_versions (id)
);

CREATE TABLE codings (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	document_id INTEGER NOT NULL,
	code_id INTEGER NOT NULL,
	coder_id INTEGER NOT NULL,
	layer VARCHAR(16) NOT NULL,
	round_id INTEGER,
	start INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	quote TEXT NOT NULL,
	prefix TEXT NOT NULL,
	suffix TEXT NOT NULL,
	anchor VARCHAR(16) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT uq_codings_span UNIQUE (document_id, code_id, coder_id, layer, start, "end"),
	CONSTRAINT ck_codings_span CHECK (start < "end"),
	UNIQUE (uuid),
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
	FOREIGN KEY(code_id) REFERENCES codes (id),
	FOREIGN KEY(coder_id) REFERENCES coders (id),
	FOREIGN KEY(round_id) REFERENCES rounds (id) ON DELETE SET NULL
);

CREATE INDEX ix_codings_code ON codings (code_id);

CREATE INDEX ix_codings_coder ON codings (coder_id);

CREATE INDEX ix_codings_doc_start ON codings (document_id, start);

CREATE TABLE resolutions (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	uuid VARCHAR(36) NOT NULL,
	disagreement VARCHAR(600) NOT NULL,
	round_id INTEGER,
	unit VARCHAR(16) NOT NULL,
	document_id INTEGER NOT NULL,
	start INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	code VARCHAR(64) NOT NULL,
	domain BOOLEAN NOT NULL,
	coders TEXT NOT NULL,
	option VARCHAR(255) NOT NULL,
	chosen_code VARCHAR(64),
	note TEXT NOT NULL,
	decided_by INTEGER NOT NULL,
	decided_at DATETIME NOT NULL,
	revision INTEGER NOT NULL,
	superseded_by_id INTEGER,
	status VARCHAR(16) NOT NULL,
	UNIQUE (uuid),
	FOREIGN KEY(round_id) REFERENCES rounds (id) ON DELETE SET NULL,
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
	FOREIGN KEY(decided_by) REFERENCES coders (id),
	FOREIGN KEY(superseded_by_id) REFERENCES resolutions (id)
);

CREATE INDEX ix_resolutions_disagreement ON resolutions (disagreement);

CREATE TABLE round_assignments (
	round_id INTEGER NOT NULL,
	coder_id INTEGER NOT NULL,
	document_id INTEGER NOT NULL,
	PRIMARY KEY (round_id, coder_id, document_id),
	FOREIGN KEY(round_id) REFERENCES rounds (id) ON DELETE CASCADE,
	FOREIGN KEY(coder_id) REFERENCES coders (id),
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);

CREATE TABLE units (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	document_id INTEGER NOT NULL,
	kind VARCHAR(16) NOT NULL,
	number INTEGER NOT NULL,
	start INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	speaker VARCHAR(255),
	timestamp VARCHAR(32),
	CONSTRAINT uq_units_doc_kind_number UNIQUE (document_id, kind, number),
	CONSTRAINT ck_units_span CHECK (start <= "end"),
	FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
);

CREATE INDEX ix_units_doc_kind_start ON units (document_id, kind, start);

CREATE TABLE coding_sources (
	coding_id INTEGER NOT NULL,
	source_id INTEGER NOT NULL,
	PRIMARY KEY (coding_id, source_id),
	FOREIGN KEY(coding_id) REFERENCES codings (id) ON DELETE CASCADE,
	FOREIGN KEY(source_id) REFERENCES codings (id) ON DELETE CASCADE
);

CREATE TABLE resolution_codings (
	resolution_id INTEGER NOT NULL,
	coding_id INTEGER NOT NULL,
	made BOOLEAN NOT NULL,
	PRIMARY KEY (resolution_id, coding_id),
	FOREIGN KEY(resolution_id) REFERENCES resolutions (id) ON DELETE CASCADE,
	FOREIGN KEY(coding_id) REFERENCES codings (id) ON DELETE CASCADE
);
