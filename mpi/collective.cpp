#include "collective.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"

#include <sys/resource.h>

namespace catena::mpi {

namespace {

constexpr int kExitOther = 1, kExitUsage = 2, kExitInput = 3, kExitOutput = 4;

int checked_int(std::int64_t value) {
    if (value > std::numeric_limits<int>::max())
        throw UsageError("a gathered result would exceed 2 GiB: run with more ranks");
    return static_cast<int>(value);
}

// The lines catena prints for an input error that lists several bad rows.
std::string input_error_text(std::string_view message) {
    std::string text;
    for (std::size_t start = 0; start < message.size();) {
        const std::size_t end = std::min(message.find('\n', start), message.size());
        text += fmt::format("catena: input error: {}\n", message.substr(start, end - start));
        start = end + 1;
    }
    return text;
}

}  // namespace

Comm Comm::world() {
    Comm comm;
    MPI_Comm_rank(comm.comm, &comm.rank);
    MPI_Comm_size(comm.comm, &comm.size);
    return comm;
}

Failure attempt(const std::function<void()>& step) {
    try {
        step();
        return {};
    } catch (const Stop&) {
        throw;
    } catch (const UsageError& error) {
        return {kExitUsage, fmt::format("catena: usage error: {}\n", error.what())};
    } catch (const InputError& error) {
        return {kExitInput, input_error_text(error.what())};
    } catch (const OutputError& error) {
        return {kExitOutput, fmt::format("catena: output error: {}\n", error.what())};
    } catch (const InternalError& error) {
        return {kExitOther,
                fmt::format("catena: internal error (a bug in catena, please report it): {}\n",
                            error.what())};
    } catch (const std::bad_alloc&) {
        return {kExitOther, "catena: error: out of memory\n"};
    } catch (const std::exception& error) {
        return {kExitOther, fmt::format("catena: error: {}\n", error.what())};
    }
}

void agree(const Comm& comm, const Failure& failure) {
    int mine = failure.code != 0 ? comm.rank : comm.size;
    int first = comm.size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm.comm);
    if (first == comm.size) return;
    int code = failure.code;
    MPI_Bcast(&code, 1, MPI_INT, first, comm.comm);
    if (comm.rank == first) {
        std::fwrite(failure.text.data(), 1, failure.text.size(), stderr);
        std::fflush(stderr);
    }
    throw Stop{code};
}

void collective_step(const Comm& comm, const std::function<void()>& step) {
    agree(comm, attempt(step));
}

void pack_string(std::vector<char>& out, std::string_view text) {
    const auto length = static_cast<std::uint32_t>(text.size());
    const char* bytes = reinterpret_cast<const char*>(&length);
    out.insert(out.end(), bytes, bytes + sizeof length);
    out.insert(out.end(), text.begin(), text.end());
}

std::string unpack_string(const std::vector<char>& in, std::size_t& at) {
    std::uint32_t length = 0;
    std::memcpy(&length, in.data() + at, sizeof length);
    at += sizeof length;
    std::string text(in.data() + at, length);
    at += length;
    return text;
}

std::uint64_t sum(const Comm& comm, std::uint64_t value) {
    std::uint64_t total = 0;
    MPI_Allreduce(&value, &total, 1, MPI_UINT64_T, MPI_SUM, comm.comm);
    return total;
}

std::uint64_t exclusive_sum(const Comm& comm, std::uint64_t value) {
    std::uint64_t before = 0;
    MPI_Exscan(&value, &before, 1, MPI_UINT64_T, MPI_SUM, comm.comm);
    return comm.rank == 0 ? 0 : before;  // MPI leaves rank 0's result undefined
}

double min_of(const Comm& comm, double value) {
    double result = 0.0;
    MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MIN, comm.comm);
    return result;
}

double max_of(const Comm& comm, double value) {
    double result = 0.0;
    MPI_Allreduce(&value, &result, 1, MPI_DOUBLE, MPI_MAX, comm.comm);
    return result;
}

std::uint64_t max_of(const Comm& comm, std::uint64_t value) {
    std::uint64_t result = 0;
    MPI_Allreduce(&value, &result, 1, MPI_UINT64_T, MPI_MAX, comm.comm);
    return result;
}

bool any(const Comm& comm, bool value) {
    int mine = value ? 1 : 0, result = 0;
    MPI_Allreduce(&mine, &result, 1, MPI_INT, MPI_LOR, comm.comm);
    return result != 0;
}

namespace {
std::uint64_t sent_so_far = 0;
}  // namespace

std::uint64_t bytes_sent() { return sent_so_far; }

void count_sent(std::uint64_t bytes) { sent_so_far += bytes; }

void count_sent(const std::vector<int>& counts, std::size_t item_size, int self) {
    for (std::size_t peer = 0; peer < counts.size(); ++peer)
        if (static_cast<int>(peer) != self)
            sent_so_far += static_cast<std::uint64_t>(counts[peer]) * item_size;
}

double peak_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kB on Linux
}

namespace detail {

// The most a rank sends, or receives, in one MPI_Alltoallv: MPI counts and displacements are
// ints, so a larger exchange goes in rounds (CATENA_MPI_TEST_ROUND_BYTES lowers it, so that the
// tests take the rounds on small graphs).
std::int64_t round_bytes() {
    static const std::int64_t bytes = [] {
        const char* text = std::getenv("CATENA_MPI_TEST_ROUND_BYTES");
        const long long given = text ? std::atoll(text) : 0;
        return given > 0 ? static_cast<std::int64_t>(given) : std::int64_t{1} << 30;
    }();
    return bytes;
}

void alltoallv_bytes(const Comm& comm, const char* data,
                     const std::vector<std::int64_t>& byte_counts,
                     std::vector<std::int64_t>& received_bytes,
                     const std::function<char*(std::size_t)>& receive) {
    const auto peers = static_cast<std::size_t>(comm.size);
    std::vector<std::int64_t> incoming(peers, 0);
    MPI_Alltoall(byte_counts.data(), 1, MPI_INT64_T, incoming.data(), 1, MPI_INT64_T, comm.comm);
    received_bytes = incoming;
    // Where each peer's bytes start in `data` and in what is received.
    std::vector<std::int64_t> send_start(peers + 1, 0), recv_start(peers + 1, 0);
    for (std::size_t peer = 0; peer < peers; ++peer) {
        send_start[peer + 1] = send_start[peer] + byte_counts[peer];
        recv_start[peer + 1] = recv_start[peer] + incoming[peer];
    }
    char* const out = receive(static_cast<std::size_t>(recv_start[peers]));
    std::vector<int> send_counts(peers), recv_counts(peers);
    // MPI may not accept a null buffer even for zero counts: give it a valid address.
    char dummy = 0;
    // Every rank takes as many rounds as the busiest needs. Round r carries bytes
    // [size * r / rounds, size * (r + 1) / rounds) of each peer's share.
    const std::int64_t busiest = static_cast<std::int64_t>(
        max_of(comm, static_cast<std::uint64_t>(std::max(send_start[peers], recv_start[peers]))));
    // (A round's share of a peer is at most one byte over its part of the limit: half of int's
    // range leaves room for that.)
    const std::int64_t limit =
        std::min<std::int64_t>(round_bytes(), std::numeric_limits<int>::max() / 2);
    const std::int64_t rounds = std::max<std::int64_t>(1, (busiest + limit - 1) / limit);
    const auto piece = [rounds](std::int64_t size, std::int64_t round) {
        return size / rounds * round + size % rounds * round / rounds;
    };
    std::vector<int> send_offsets(peers), recv_offsets(peers);
    std::vector<char> send_buffer, recv_buffer;
    for (std::int64_t round = 0; round < rounds; ++round) {
        std::int64_t sent = 0, received = 0;
        for (std::size_t peer = 0; peer < peers; ++peer) {
            const std::int64_t send_from = piece(byte_counts[peer], round);
            const std::int64_t recv_from = piece(incoming[peer], round);
            send_counts[peer] = static_cast<int>(piece(byte_counts[peer], round + 1) - send_from);
            recv_counts[peer] = static_cast<int>(piece(incoming[peer], round + 1) - recv_from);
            send_offsets[peer] = static_cast<int>(sent);
            recv_offsets[peer] = static_cast<int>(received);
            sent += send_counts[peer];
            received += recv_counts[peer];
        }
        count_sent(send_counts, 1, comm.rank);
        if (rounds == 1) {  // straight from `data` into `out`
            MPI_Alltoallv(data ? data : &dummy, send_counts.data(), send_offsets.data(), MPI_BYTE,
                          received == 0 || !out ? &dummy : out, recv_counts.data(),
                          recv_offsets.data(), MPI_BYTE, comm.comm);
            return;
        }
        send_buffer.resize(static_cast<std::size_t>(sent));
        for (std::size_t peer = 0; peer < peers; ++peer)
            if (send_counts[peer] > 0)
                std::memcpy(send_buffer.data() + send_offsets[peer],
                            data + send_start[peer] + piece(byte_counts[peer], round),
                            static_cast<std::size_t>(send_counts[peer]));
        recv_buffer.resize(static_cast<std::size_t>(received));
        MPI_Alltoallv(sent == 0 ? &dummy : send_buffer.data(), send_counts.data(),
                      send_offsets.data(), MPI_BYTE, received == 0 ? &dummy : recv_buffer.data(),
                      recv_counts.data(), recv_offsets.data(), MPI_BYTE, comm.comm);
        for (std::size_t peer = 0; peer < peers; ++peer)
            if (recv_counts[peer] > 0)
                std::memcpy(out + recv_start[peer] + piece(incoming[peer], round),
                            recv_buffer.data() + recv_offsets[peer],
                            static_cast<std::size_t>(recv_counts[peer]));
    }
}

std::vector<char> gatherv_bytes(const Comm& comm, const char* data, std::int64_t bytes, int root,
                                bool all) {
    const auto peers = static_cast<std::size_t>(comm.size);
    std::vector<std::int64_t> sizes(peers, 0);
    MPI_Allgather(&bytes, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm.comm);
    std::vector<int> counts(peers), offsets(peers);
    std::int64_t total = 0;
    for (const std::int64_t size : sizes) total += size;
    if (total > std::numeric_limits<int>::max())  // the same on every rank
        throw UsageError("a gathered result would exceed 2 GiB: run with more ranks");
    total = 0;
    for (std::size_t peer = 0; peer < peers; ++peer) {
        counts[peer] = checked_int(sizes[peer]);
        offsets[peer] = checked_int(total);
        total += sizes[peer];
    }
    char dummy = 0;
    const char* send = data ? data : &dummy;
    if (all)
        count_sent(static_cast<std::uint64_t>(bytes) * static_cast<std::uint64_t>(comm.size - 1));
    else if (comm.rank != root)
        count_sent(static_cast<std::uint64_t>(bytes));
    if (all) {
        std::vector<char> out(static_cast<std::size_t>(total));
        MPI_Allgatherv(send, counts[static_cast<std::size_t>(comm.rank)], MPI_BYTE,
                       out.empty() ? &dummy : out.data(), counts.data(), offsets.data(), MPI_BYTE,
                       comm.comm);
        return out;
    }
    std::vector<char> out(comm.rank == root ? static_cast<std::size_t>(total) : 0);
    MPI_Gatherv(send, counts[static_cast<std::size_t>(comm.rank)], MPI_BYTE,
                out.empty() ? &dummy : out.data(), counts.data(), offsets.data(), MPI_BYTE, root,
                comm.comm);
    return out;
}

}  // namespace detail

}  // namespace catena::mpi
