// Restates, for testing, the DataStax C/C++ driver's src/ring_buffer.cpp (2.17.1): see
// ring_buffer.hpp. Keep its behaviour faithful to the driver's code.
#include "ring_buffer.hpp"

#include <assert.h>
#include <string.h>

using namespace datastax::internal::rb;

RingBuffer::RingBuffer()
    : length_(0) {
  blocks_.push_back(new Block());
}

RingBuffer::~RingBuffer() {
  for (size_t i = 0; i < blocks_.size(); ++i) delete blocks_[i];
}

RingBuffer::Position RingBuffer::write_position() {
  Block* back = blocks_.back();
  return Position(back, back->write_pos);
}

RingBuffer::Block* RingBuffer::writable_block() {
  if (blocks_.back()->write_pos == BUFFER_LENGTH) blocks_.push_back(new Block());
  return blocks_.back();
}

size_t RingBuffer::read(char* out, size_t size) {
  size_t done = 0;
  while (done < size && length_ > 0) {
    Block* front = blocks_.front();
    size_t avail = front->write_pos - front->read_pos;
    if (avail > size - done) avail = size - done;
    if (out != NULL) memcpy(out + done, front->data + front->read_pos, avail);
    front->read_pos += avail;
    done += avail;
    length_ -= avail;
    if (front->read_pos == front->write_pos) {
      if (blocks_.size() > 1) {
        delete front;
        blocks_.pop_front();
      } else {
        front->read_pos = front->write_pos = 0;
      }
    }
  }
  return done;
}

size_t RingBuffer::peek_multiple(Position pos, std::vector<uv_buf_t>* bufs) {
  size_t i = 0;
  while (i < blocks_.size() && blocks_[i] != pos.buf) ++i;
  assert(i < blocks_.size() && "position outside the buffer");
  size_t total = 0;
  size_t offset = pos.pos;
  for (; i < blocks_.size(); ++i) {
    Block* block = blocks_[i];
    if (offset < block->read_pos) offset = block->read_pos;
    size_t len = block->write_pos - offset;
    bufs->push_back(uv_buf_init(block->data + offset, static_cast<unsigned int>(len)));
    total += len;
    offset = 0;
  }
  return total;
}

void RingBuffer::reset() {
  while (blocks_.size() > 1) {
    delete blocks_.back();
    blocks_.pop_back();
  }
  blocks_.front()->read_pos = blocks_.front()->write_pos = 0;
  length_ = 0;
}

void RingBuffer::write(const char* data, size_t size) {
  while (size > 0) {
    Block* block = writable_block();
    size_t room = BUFFER_LENGTH - block->write_pos;
    size_t n = size < room ? size : room;
    memcpy(block->data + block->write_pos, data, n);
    block->write_pos += n;
    length_ += n;
    data += n;
    size -= n;
  }
}

char* RingBuffer::peek_writable(size_t* size) {
  Block* block = writable_block();
  size_t room = BUFFER_LENGTH - block->write_pos;
  if (*size == 0 || *size > room) *size = room;
  return block->data + block->write_pos;
}

void RingBuffer::commit(size_t size) {
  Block* block = blocks_.back();
  assert(block->write_pos + size <= BUFFER_LENGTH);
  block->write_pos += size;
  length_ += size;
}
