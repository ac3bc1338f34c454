// Restates, for testing, the DataStax C/C++ driver's src/ring_buffer.hpp (2.17.1): the byte
// queue of fixed-size blocks (16 KiB + 5 bytes each) that the driver's TLS sessions use as
// incoming() and outgoing(). The operations, their meaning and Position (a place in a block,
// valid while only writes happen) are the driver's; the driver's SmallVector is a std::vector
// here and index_of() is left out. Keep it faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_RING_BUFFER_HPP
#define DATASTAX_INTERNAL_RING_BUFFER_HPP

#include "allocated.hpp"

#include <stddef.h>
#include <uv.h>

#include <deque>
#include <vector>

namespace datastax { namespace internal { namespace rb {

class RingBuffer {
private:
  // One whole TLS record fits in a block.
  static const size_t BUFFER_LENGTH = 16 * 1024 + 5;

  struct Block : public Allocated {
    Block()
        : read_pos(0)
        , write_pos(0) {}
    size_t read_pos;
    size_t write_pos;
    char data[BUFFER_LENGTH];
  };

public:
  struct Position {
    Position(Block* buf, size_t pos)
        : buf(buf)
        , pos(pos) {}
    Block* buf;
    size_t pos;
  };

  RingBuffer();
  ~RingBuffer();

  // Where the next write goes.
  Position write_position();

  // Copies out and removes up to size bytes (out NULL: only removes); returns the count.
  size_t read(char* out, size_t size);

  // The data written since pos, as buffers to hand to uv_write; returns the byte count.
  size_t peek_multiple(Position pos, std::vector<uv_buf_t>* bufs);

  // Drops everything.
  void reset();

  // Appends size bytes.
  void write(const char* data, size_t size);

  // Room to receive into directly: *size in, the contiguous room (at most *size when not 0)
  // out; commit() then appends what was put there.
  char* peek_writable(size_t* size);
  void commit(size_t size);

  size_t length() const { return length_; }

private:
  RingBuffer(const RingBuffer&);
  RingBuffer& operator=(const RingBuffer&);

  Block* writable_block();

  size_t length_;
  std::deque<Block*> blocks_; // front: oldest data; back: where writes go; never empty
};

}}} // namespace datastax::internal::rb

#endif
