// Restates, for testing, the DataStax C/C++ driver's src/ref_counted.hpp (2.17.1): RefCounted<T>
// (atomic count, deletes the T at zero through its virtual destructor) and SharedRefPtr<T>.
// Keep it faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_REF_COUNTED_HPP
#define DATASTAX_INTERNAL_REF_COUNTED_HPP

#include "allocated.hpp"

#include <assert.h>
#include <stddef.h>

#include <atomic>

namespace datastax { namespace internal {

template <class T>
class RefCounted : public Allocated {
public:
  RefCounted()
      : ref_count_(0) {}

  int ref_count() const { return ref_count_.load(std::memory_order_acquire); }
  void inc_ref() const { ref_count_.fetch_add(1, std::memory_order_relaxed); }
  void dec_ref() const {
    int before = ref_count_.fetch_sub(1, std::memory_order_acq_rel);
    assert(before >= 1);
    if (before == 1) delete static_cast<const T*>(this);
  }

private:
  RefCounted(const RefCounted&);
  RefCounted& operator=(const RefCounted&);
  mutable std::atomic<int> ref_count_;
};

template <class T>
class SharedRefPtr {
public:
  explicit SharedRefPtr(T* ptr = NULL)
      : ptr_(ptr) {
    if (ptr_ != NULL) ptr_->inc_ref();
  }
  SharedRefPtr(const SharedRefPtr<T>& other)
      : ptr_(NULL) {
    reset(other.ptr_);
  }
  template <class S>
  SharedRefPtr(const SharedRefPtr<S>& other)
      : ptr_(NULL) {
    reset(other.get());
  }
  ~SharedRefPtr() {
    if (ptr_ != NULL) ptr_->dec_ref();
  }
  SharedRefPtr<T>& operator=(const SharedRefPtr<T>& other) {
    reset(other.ptr_);
    return *this;
  }

  void reset(T* ptr = NULL) {
    if (ptr == ptr_) return;
    if (ptr != NULL) ptr->inc_ref();
    T* old = ptr_;
    ptr_ = ptr;
    if (old != NULL) old->dec_ref();
  }

  T* get() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_; }
  operator bool() const { return ptr_ != NULL; }

private:
  T* ptr_;
};

}} // namespace datastax::internal

#endif
