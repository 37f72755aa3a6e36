#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/message.hpp"

// Thin RAII over the SQLite C API, as the store's threads use it: one connection per thread,
// statements prepared once, queries that reset themselves. Failures throw std::runtime_error.
namespace herald::sqlite {

// One connection, used by one thread at a time (hence NOMUTEX). Waits up to a few seconds for a
// lock another connection holds (during a checkpoint, say) before failing.
class Connection {
 public:
  Connection(const std::filesystem::path& file, int flags);

  sqlite3* get() const { return db_.get(); }
  // For setup statements only: never with user data.
  void exec(std::string_view sql);

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

// A statement prepared once and reused for the connection's lifetime. Declare statements after
// their connection so they are finalized before it closes.
class Statement {
 public:
  Statement(const Connection& db, std::string_view sql);

  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// One execution of a statement. Parameters are bound in order and borrowed (SQLITE_STATIC): they
// must outlive the Query. Resetting on scope exit releases the statement's snapshot and its
// pointers to the borrowed text.
class Query {
 public:
  explicit Query(const Statement& statement) : stmt_(statement.get()) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(std::string_view text);
  Query& bind(std::int64_t value);

  // True while a row is available.
  bool step();

  bool null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  Seq seq(int column) const { return static_cast<Seq>(integer(column)); }
  std::string text(int column) const;

 private:
  void check(int rc) const;

  sqlite3_stmt* stmt_;
  int next_ = 1;
};

// Ends a failed transaction, if SQLite has not already rolled it back itself. Errors are ignored:
// the failure that led here is the one worth reporting.
void rollback_if_open(const Connection& db, const Statement& rollback);

}  // namespace herald::sqlite
