// SIGTERM and SIGINT as events: a server must stop accepting, close its connections and exit 0.
// The signals are blocked and delivered through a signalfd, which the event loop watches like
// any socket, so there is no signal handler and no race between checking a flag and sleeping.
#pragma once

#include "net/fd.hpp"

namespace socklab {

// Blocks SIGTERM and SIGINT in the calling thread. Call it first in main(): threads created
// later inherit the mask, so no thread is interrupted by them.
void block_stop_signals();

// A non-blocking signalfd that becomes readable when SIGTERM or SIGINT arrives.
Fd open_stop_signal_fd();

// Blocks the calling thread until SIGTERM or SIGINT arrives; returns the signal number.
int wait_for_stop_signal();

}  // namespace socklab
