// Restates, for testing, the DataStax C/C++ driver's src/external.hpp (2.17.1): an opaque C
// type (CassSsl) is the internal C++ object (SslContext) seen through a derived struct, and
// to()/from() convert between them. Keep it faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_EXTERNAL_HPP
#define DATASTAX_INTERNAL_EXTERNAL_HPP

template <typename Internal, typename Opaque>
struct External : public Internal {
  Internal* from() { return this; }
  const Internal* from() const { return this; }
  static Opaque* to(Internal* internal) { return static_cast<Opaque*>(internal); }
  static const Opaque* to(const Internal* internal) { return static_cast<const Opaque*>(internal); }
};

// The opaque struct is never destroyed through its own type.
#define EXTERNAL_TYPE(Internal, Opaque)                     \
  extern "C" {                                              \
  struct Opaque##_ : public External<Internal, Opaque> {    \
  private:                                                  \
    ~Opaque##_() {}                                         \
  };                                                        \
  }

#endif
