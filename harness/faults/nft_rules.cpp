#include "harness/faults/nft_rules.hpp"

#include <nftables/libnftables.h>

#include <memory>
#include <stdexcept>

namespace socklab::harness {
namespace {

struct ContextFree {
  void operator()(nft_ctx* context) const { nft_ctx_free(context); }
};

}  // namespace

void apply_nft(const NetNamespace& netns, const std::string& commands) {
  // libnftables talks to the kernel through a netlink socket, which belongs to the namespace
  // of the thread that opens it: the context is made and used inside `netns`.
  EnterNetNamespace inside(netns);
  std::unique_ptr<nft_ctx, ContextFree> context(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!context) throw std::runtime_error("nftables: cannot create a context (out of memory)");
  // Buffered, nft's messages come back to us instead of going to the harness's stderr.
  if (nft_ctx_buffer_output(context.get()) != 0 || nft_ctx_buffer_error(context.get()) != 0) {
    throw std::runtime_error("nftables: cannot buffer its messages");
  }
  if (nft_run_cmd_from_buffer(context.get(), commands.c_str()) != 0) {
    std::string message = nft_ctx_get_error_buffer(context.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::runtime_error("nftables rejected the fault's rules (" + message + ") in:\n" +
                             commands);
  }
}

NftTable::NftTable(const NetNamespace& netns, std::string name, const std::string& chains)
    : netns_(&netns), name_(std::move(name)) {
  apply_nft(netns, "table inet " + name_ + " {\n" + chains + "\n}\n");
}

NftTable::NftTable(NftTable&& other) noexcept
    : netns_(std::exchange(other.netns_, nullptr)), name_(std::move(other.name_)) {}

NftTable::~NftTable() {
  try {
    remove();
  } catch (...) {
    // A destructor must not throw; the rules end with their namespace, at the scenario's end.
  }
}

void NftTable::remove() {
  if (!netns_) return;
  const NetNamespace& netns = *std::exchange(netns_, nullptr);
  apply_nft(netns, "delete table inet " + name_ + "\n");
}

}  // namespace socklab::harness
