// Restates, for testing, the DataStax C/C++ driver's src/address.hpp (2.17.1): the part of
// Address its TLS layer and socket connector use (an IP literal or a host name, a port, the
// SNI server name, conversion to a sockaddr). Keep it faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_ADDRESS_HPP
#define DATASTAX_INTERNAL_ADDRESS_HPP

#include "allocated.hpp"
#include "string.hpp"

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

namespace datastax { namespace internal { namespace core {

class Address : public Allocated {
public:
  enum Family { UNRESOLVED, IPv4, IPv6 };

  struct SocketStorage {
    struct sockaddr* addr() { return &storage.addr; }
    struct sockaddr_in* addr_in() { return &storage.addr_in; }
    struct sockaddr_in6* addr_in6() { return &storage.addr_in6; }
    union {
      struct sockaddr addr;
      struct sockaddr_in addr_in;
      struct sockaddr_in6 addr_in6;
    } storage;
  };

  Address();
  // An IPv4/IPv6 literal is resolved; anything else is a host name (UNRESOLVED).
  Address(const String& hostname_or_address, int port, const String& server_name = String());

  String hostname_or_address() const;
  const String& server_name() const { return server_name_; }
  Family family() const { return family_; }
  int port() const { return port_; }

  bool is_valid() const { return !hostname_or_address_.empty(); }
  bool is_resolved() const { return family_ == IPv4 || family_ == IPv6; }

  // The address bytes (4 or 16) into address; 0 when unresolved.
  uint8_t to_inet(void* address) const;
  // NULL when unresolved.
  const struct sockaddr* to_sockaddr(SocketStorage* storage) const;
  String to_string(bool with_port = false) const;

private:
  String hostname_or_address_; // the raw address bytes when resolved, as in the driver
  String server_name_;
  Family family_;
  int port_;
};

}}} // namespace datastax::internal::core

#endif
