// Hostile submission: never binds, never prints "listening on"; it only sleeps.
#include <unistd.h>

int main() {
  for (;;) ::sleep(60);
}
