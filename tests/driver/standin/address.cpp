// Restates, for testing, the DataStax C/C++ driver's src/address.cpp (2.17.1): see
// address.hpp. Keep its behaviour faithful to the driver's code.
#include "address.hpp"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

using namespace datastax;
using namespace datastax::internal::core;

Address::Address()
    : family_(UNRESOLVED)
    , port_(0) {}

Address::Address(const String& hostname_or_address, int port, const String& server_name)
    : server_name_(server_name)
    , family_(UNRESOLVED)
    , port_(port) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, hostname_or_address.c_str(), bytes) == 1) {
    family_ = IPv4;
    hostname_or_address_.assign(reinterpret_cast<const char*>(bytes), 4);
  } else if (inet_pton(AF_INET6, hostname_or_address.c_str(), bytes) == 1) {
    family_ = IPv6;
    hostname_or_address_.assign(reinterpret_cast<const char*>(bytes), 16);
  } else {
    hostname_or_address_ = hostname_or_address;
  }
}

String Address::hostname_or_address() const {
  char text[INET6_ADDRSTRLEN];
  if (family_ == IPv4) return inet_ntop(AF_INET, hostname_or_address_.data(), text, sizeof(text));
  if (family_ == IPv6) return inet_ntop(AF_INET6, hostname_or_address_.data(), text, sizeof(text));
  return hostname_or_address_;
}

uint8_t Address::to_inet(void* address) const {
  if (!is_resolved()) return 0;
  memcpy(address, hostname_or_address_.data(), hostname_or_address_.size());
  return static_cast<uint8_t>(hostname_or_address_.size());
}

const struct sockaddr* Address::to_sockaddr(SocketStorage* storage) const {
  memset(storage, 0, sizeof(*storage));
  if (family_ == IPv4) {
    storage->addr_in()->sin_family = AF_INET;
    storage->addr_in()->sin_port = htons(static_cast<uint16_t>(port_));
    memcpy(&storage->addr_in()->sin_addr, hostname_or_address_.data(), 4);
  } else if (family_ == IPv6) {
    storage->addr_in6()->sin6_family = AF_INET6;
    storage->addr_in6()->sin6_port = htons(static_cast<uint16_t>(port_));
    memcpy(&storage->addr_in6()->sin6_addr, hostname_or_address_.data(), 16);
  } else {
    return NULL;
  }
  return storage->addr();
}

String Address::to_string(bool with_port) const {
  String text = hostname_or_address();
  if (with_port) {
    char port[16];
    snprintf(port, sizeof(port), ":%d", port_);
    text = (family_ == IPv6 ? "[" + text + "]" : text) + port;
  }
  if (!server_name_.empty()) text += " (" + server_name_ + ")";
  return text;
}
