-- Per-key index collation (issue 12, item 1).
CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, lang text);
CREATE INDEX words_word_c ON words (word COLLATE "C");
CREATE INDEX words_lang_word ON words (lang, word COLLATE "POSIX" DESC);
