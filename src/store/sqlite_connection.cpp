#include "store/sqlite_connection.hpp"

#include <stdexcept>

namespace herald::sqlite {
namespace {

// How long a connection waits for a lock held by another one (e.g. during a WAL checkpoint).
constexpr int kBusyTimeoutMs = 5000;

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

Connection::Connection(const std::filesystem::path& file, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
}

void Connection::exec(std::string_view sql) {
  if (sqlite3_exec(get(), std::string(sql).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(get(), sql);
  }
}

Statement::Statement(const Connection& db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int size = static_cast<int>(sql.size());
  if (sqlite3_prepare_v3(db.get(), sql.data(), size, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK) {
    fail(db.get(), sql);
  }
  stmt_.reset(raw);
}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::bind(std::string_view text) {
  // A null pointer would bind SQL NULL, not an empty string.
  const char* bytes = text.data() != nullptr ? text.data() : "";
  check(sqlite3_bind_text64(stmt_, next_++, bytes, text.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Query& Query::bind(std::int64_t value) {
  check(sqlite3_bind_int64(stmt_, next_++, value));
  return *this;
}

bool Query::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), sqlite3_sql(stmt_));
}

std::string Query::text(int column) const {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return bytes != nullptr ? std::string(bytes, sqlite3_column_bytes(stmt_, column)) : "";
}

void Query::check(int rc) const {
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt_), "bind");
}

void rollback_if_open(const Connection& db, const Statement& rollback) {
  if (sqlite3_get_autocommit(db.get()) != 0) return;
  sqlite3_step(rollback.get());
  sqlite3_reset(rollback.get());
}

}  // namespace herald::sqlite
