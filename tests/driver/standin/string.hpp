// Restates, for testing, the DataStax C/C++ driver's src/string.hpp (2.17.1): String is a
// std::basic_string (the driver's has its own allocator). Keep it faithful to the driver.
#ifndef DATASTAX_INTERNAL_STRING_HPP
#define DATASTAX_INTERNAL_STRING_HPP

#include <string>

namespace datastax {

typedef std::string String;

} // namespace datastax

#endif
