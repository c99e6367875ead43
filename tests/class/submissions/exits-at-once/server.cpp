// Hostile submission: exits before listening, with an error of its own.
#include <cstdio>

int main() {
  std::fprintf(stderr, "server: giving up before listening\n");
  return 3;
}
