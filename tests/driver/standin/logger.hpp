// Restates, for testing, the DataStax C/C++ driver's src/logger.hpp (2.17.1): printf-style
// LOG_CRITICAL ... LOG_TRACE macros. Here they print to stderr, and the tests read the last
// error-level line back (standin_last_log_error). Keep the macros faithful to the driver's.
#ifndef DATASTAX_INTERNAL_LOGGER_HPP
#define DATASTAX_INTERNAL_LOGGER_HPP

namespace datastax { namespace internal { namespace core {

enum StandinLogLevel { STANDIN_LOG_CRITICAL, STANDIN_LOG_ERROR, STANDIN_LOG_WARN,
                       STANDIN_LOG_INFO, STANDIN_LOG_DEBUG, STANDIN_LOG_TRACE };

void standin_log(StandinLogLevel level, const char* file, int line, const char* format, ...)
    __attribute__((format(printf, 4, 5)));

// The last LOG_CRITICAL/LOG_ERROR line ("" if none); standin_clear_log() forgets it.
const char* standin_last_log_error();
void standin_clear_log();

}}} // namespace datastax::internal::core

#define LOG_STANDIN_(level, ...) \
  ::datastax::internal::core::standin_log(::datastax::internal::core::level, __FILE__, __LINE__, \
                                          __VA_ARGS__)
#define LOG_CRITICAL(...) LOG_STANDIN_(STANDIN_LOG_CRITICAL, __VA_ARGS__)
#define LOG_ERROR(...) LOG_STANDIN_(STANDIN_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) LOG_STANDIN_(STANDIN_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) LOG_STANDIN_(STANDIN_LOG_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) LOG_STANDIN_(STANDIN_LOG_DEBUG, __VA_ARGS__)
#define LOG_TRACE(...) LOG_STANDIN_(STANDIN_LOG_TRACE, __VA_ARGS__)

#endif
