// Small helpers over MPI's C interface for catena-mpi: the communicator's size and rank, typed
// all-to-all exchanges, and errors agreed by every rank.
//
// Every rank must reach the same collective calls in the same order, or the job hangs. So a rank
// never throws past a collective step on its own: each step catches what it throws (Attempt),
// and agree() makes every rank learn whether any rank failed; then every rank stops with the same
// exit code and one of them (the lowest that failed) has printed the message.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <mpi.h>

namespace catena::mpi {

struct Comm {
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank = 0;
    int size = 1;
    static Comm world();
};

// Thrown on every rank once the ranks agree to stop: the process exits with `code` (the
// message, if any, has been printed by one rank).
struct Stop {
    int code;
};

// What a failed step threw, as catena's main would report it: the exit code and the lines for
// stderr ("catena: input error: ...").
struct Failure {
    int code = 0;  // 0: no failure
    std::string text;
};

// Runs `step`, turning catena's typed errors into a Failure (exit codes as cli/main.cpp's).
Failure attempt(const std::function<void()>& step);

// Every rank calls this with its own result of a step. When any rank failed, the lowest failed
// rank prints its text on stderr and every rank throws Stop with that rank's code.
void agree(const Comm& comm, const Failure& failure);

// attempt() then agree().
void collective_step(const Comm& comm, const std::function<void()>& step);

// MPI_Alltoallv of plain values: send[r] goes to rank r; returns what each rank sent here, in
// rank order, and (if wanted) how many came from each rank.
template <typename T>
std::vector<T> alltoallv(const Comm& comm, const std::vector<std::vector<T>>& send,
                         std::vector<int>* received_counts = nullptr);

// The same with the data already packed by destination: counts[r] items for rank r, in order.
template <typename T>
std::vector<T> alltoallv_packed(const Comm& comm, const std::vector<T>& data,
                                const std::vector<int>& counts,
                                std::vector<int>* received_counts = nullptr);

// The same into `in`, resized (its storage is reused from call to call), with 64-bit counts;
// `received_counts` (if given) gets how many items came from each rank.
template <typename T>
void alltoallv_into(const Comm& comm, const std::vector<T>& data,
                    const std::vector<std::uint64_t>& counts, std::vector<T>& in,
                    std::vector<std::uint64_t>* received_counts = nullptr);

// Gathers every rank's vector on `root` (rank order, concatenated); other ranks get nothing.
template <typename T>
std::vector<T> gatherv(const Comm& comm, const std::vector<T>& mine, int root = 0);

// Every rank's vector on every rank (rank order, concatenated).
template <typename T>
std::vector<T> allgatherv(const Comm& comm, const std::vector<T>& mine);

// Strings packed as one byte vector (length-prefixed), for exchanges of ids and messages.
void pack_string(std::vector<char>& out, std::string_view text);
std::string unpack_string(const std::vector<char>& in, std::size_t& at);

std::uint64_t sum(const Comm& comm, std::uint64_t value);
std::uint64_t exclusive_sum(const Comm& comm, std::uint64_t value);  // 0 on rank 0
double min_of(const Comm& comm, double value);
double max_of(const Comm& comm, double value);
std::uint64_t max_of(const Comm& comm, std::uint64_t value);
bool any(const Comm& comm, bool value);

// Bytes of data this rank has sent to other ranks so far: what the all-to-all exchanges, gathers
// and broadcasts of data carried away from it (not the few bytes of reductions and counts).
// `catena-mpi --timings` prints it per rank.
std::uint64_t bytes_sent();
void count_sent(std::uint64_t bytes);
// The bytes that `counts[peer]` items of `item_size` bytes to each peer but `self` make.
void count_sent(const std::vector<int>& counts, std::size_t item_size, int self);

// This process's peak resident memory so far, in MiB (getrusage).
double peak_mib();

// --- template definitions ---

namespace detail {
// Exchanges byte counts and bytes, in rounds of at most 1 GiB sent or received per rank when
// there are more (MPI's counts and displacements are ints).
// `receive(bytes)` gives the buffer the bytes received go to (so they land in place, without
// a copy).
void alltoallv_bytes(const Comm& comm, const char* data,
                     const std::vector<std::int64_t>& byte_counts,
                     std::vector<std::int64_t>& received_bytes,
                     const std::function<char*(std::size_t)>& receive);
std::vector<char> gatherv_bytes(const Comm& comm, const char* data, std::int64_t bytes, int root,
                                bool all);
}  // namespace detail

template <typename T>
std::vector<T> alltoallv_packed(const Comm& comm, const std::vector<T>& data,
                                const std::vector<int>& counts, std::vector<int>* received_counts) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::int64_t> bytes(counts.size());
    for (std::size_t peer = 0; peer < counts.size(); ++peer)
        bytes[peer] =
            static_cast<std::int64_t>(counts[peer]) * static_cast<std::int64_t>(sizeof(T));
    std::vector<std::int64_t> received;
    std::vector<T> out;
    detail::alltoallv_bytes(comm, reinterpret_cast<const char*>(data.data()), bytes, received,
                            [&out](std::size_t size) {
                                out.resize(size / sizeof(T));
                                return reinterpret_cast<char*>(out.data());
                            });
    if (received_counts) {
        received_counts->resize(received.size());
        for (std::size_t peer = 0; peer < received.size(); ++peer)
            (*received_counts)[peer] =
                static_cast<int>(received[peer] / static_cast<std::int64_t>(sizeof(T)));
    }
    return out;
}

template <typename T>
void alltoallv_into(const Comm& comm, const std::vector<T>& data,
                    const std::vector<std::uint64_t>& counts, std::vector<T>& in,
                    std::vector<std::uint64_t>* received_counts) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::int64_t> bytes(counts.size());
    for (std::size_t peer = 0; peer < counts.size(); ++peer)
        bytes[peer] = static_cast<std::int64_t>(counts[peer] * sizeof(T));
    std::vector<std::int64_t> received;
    detail::alltoallv_bytes(comm, reinterpret_cast<const char*>(data.data()), bytes, received,
                            [&in](std::size_t size) {
                                in.resize(size / sizeof(T));
                                return reinterpret_cast<char*>(in.data());
                            });
    if (received_counts) {
        received_counts->resize(received.size());
        for (std::size_t peer = 0; peer < received.size(); ++peer)
            (*received_counts)[peer] = static_cast<std::uint64_t>(received[peer]) / sizeof(T);
    }
}

template <typename T>
std::vector<T> alltoallv(const Comm& comm, const std::vector<std::vector<T>>& send,
                         std::vector<int>* received_counts) {
    std::vector<T> packed;
    std::vector<int> counts(send.size());
    std::size_t total = 0;
    for (const auto& part : send) total += part.size();
    packed.reserve(total);
    for (std::size_t peer = 0; peer < send.size(); ++peer) {
        counts[peer] = static_cast<int>(send[peer].size());
        packed.insert(packed.end(), send[peer].begin(), send[peer].end());
    }
    return alltoallv_packed(comm, packed, counts, received_counts);
}

template <typename T>
std::vector<T> gatherv(const Comm& comm, const std::vector<T>& mine, int root) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<char> raw =
        detail::gatherv_bytes(comm, reinterpret_cast<const char*>(mine.data()),
                              static_cast<std::int64_t>(mine.size() * sizeof(T)), root, false);
    std::vector<T> out(raw.size() / sizeof(T));
    if (!raw.empty()) std::memcpy(out.data(), raw.data(), raw.size());
    return out;
}

template <typename T>
std::vector<T> allgatherv(const Comm& comm, const std::vector<T>& mine) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<char> raw =
        detail::gatherv_bytes(comm, reinterpret_cast<const char*>(mine.data()),
                              static_cast<std::int64_t>(mine.size() * sizeof(T)), 0, true);
    std::vector<T> out(raw.size() / sizeof(T));
    if (!raw.empty()) std::memcpy(out.data(), raw.data(), raw.size());
    return out;
}

}  // namespace catena::mpi
