// Restates, for testing, the DataStax C/C++ driver's src/allocated.hpp (2.17.1): the base of
// objects made with the driver's allocator (plain new/delete here). Keep it faithful.
#ifndef DATASTAX_INTERNAL_ALLOCATED_HPP
#define DATASTAX_INTERNAL_ALLOCATED_HPP

namespace datastax { namespace internal {

class Allocated {};

}} // namespace datastax::internal

#endif
