// Restates, for testing, the DataStax C/C++ driver's src/scoped_ptr.hpp (2.17.1): ScopedPtr<T>
// owns one object and deletes it on reset() or destruction. Keep it faithful to the driver.
#ifndef DATASTAX_INTERNAL_SCOPED_PTR_HPP
#define DATASTAX_INTERNAL_SCOPED_PTR_HPP

#include <stddef.h>

namespace datastax { namespace internal {

template <class T>
class ScopedPtr {
public:
  explicit ScopedPtr(T* ptr = NULL)
      : ptr_(ptr) {}
  ~ScopedPtr() { delete ptr_; }

  void reset(T* ptr = NULL) {
    if (ptr == ptr_) return;
    delete ptr_;
    ptr_ = ptr;
  }
  T* release() {
    T* ptr = ptr_;
    ptr_ = NULL;
    return ptr;
  }

  T* get() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_; }
  operator bool() const { return ptr_ != NULL; }

private:
  ScopedPtr(const ScopedPtr&);
  ScopedPtr& operator=(const ScopedPtr&);
  T* ptr_;
};

}} // namespace datastax::internal

#endif
