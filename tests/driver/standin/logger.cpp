// Restates, for testing, the DataStax C/C++ driver's logger (src/logger.cpp, 2.17.1): see
// logger.hpp.
#include "logger.hpp"

#include <stdarg.h>
#include <stdio.h>

#include <mutex>
#include <string>

namespace {
std::mutex log_lock;
std::string last_error;
const char* const level_names[] = { "CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };
} // namespace

namespace datastax { namespace internal { namespace core {

void standin_log(StandinLogLevel level, const char* file, int line, const char* format, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(text, sizeof(text), format, ap);
  va_end(ap);
  std::lock_guard<std::mutex> hold(log_lock);
  if (level <= STANDIN_LOG_ERROR) last_error = text;
  if (level <= STANDIN_LOG_INFO) {
    fprintf(stderr, "[%s] %s:%d: %s\n", level_names[level], file, line, text);
  }
}

const char* standin_last_log_error() {
  std::lock_guard<std::mutex> hold(log_lock);
  return last_error.c_str();
}

void standin_clear_log() {
  std::lock_guard<std::mutex> hold(log_lock);
  last_error.clear();
}

}}} // namespace datastax::internal::core
