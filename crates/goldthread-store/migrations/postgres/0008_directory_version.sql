-- The directory's version: every write to services, taxonomy terms or organisations adds one in
-- its own transaction, so a server holding the directory in memory can tell, with one cheap
-- read, whether it must load it again.
CREATE TABLE directory_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 0);
