// nftables rules in one network namespace, through libnftables (the library behind the nft
// command), so a fault acts where a real one would: in a host's own packet path.
#pragma once

#include <string>

#include "harness/sandbox/net_namespace.hpp"

namespace socklab::harness {

// Runs `commands` (nft syntax, one command per line) inside `netns` as one transaction: either
// every rule is in place or none is. Throws std::runtime_error with nft's own message.
void apply_nft(const NetNamespace& netns, const std::string& commands);

// One `inet` table of rules, in place for as long as this object lives.
class NftTable {
 public:
  // `chains` is the table's body: "chain incoming { type filter hook input ... }".
  NftTable(const NetNamespace& netns, std::string name, const std::string& chains);
  ~NftTable();
  NftTable(NftTable&& other) noexcept;
  NftTable& operator=(NftTable&&) = delete;
  NftTable(const NftTable&) = delete;
  NftTable& operator=(const NftTable&) = delete;

  // Deletes the table now; throws std::runtime_error. Nothing happens a second time.
  void remove();

 private:
  const NetNamespace* netns_;
  std::string name_;
};

}  // namespace socklab::harness
