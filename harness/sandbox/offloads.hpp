// Segmentation offloads off, so that a capture shows the segments a real wire would carry.
#pragma once

#include <string>

namespace socklab::harness {

// With TSO/GSO on, TCP hands a virtual device one "super-segment" of up to 64 KiB that is cut
// into MSS-sized packets only later, and GRO glues received packets back together: a capture
// on br0 would show 64 KiB segments no link carries and hide how the sender really cut its
// stream. Turns TSO, GSO and GRO off on `interface` (in the calling thread's namespace) and
// checks that they are off; throws naming the interface and the feature otherwise.
void disable_segmentation_offloads(const std::string& interface);

}  // namespace socklab::harness
