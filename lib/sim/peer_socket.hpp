// The socket under an httplib request. httplib does not hand it out, but a
// stream that must stay silent (a stall) still needs to notice when its
// client goes away, so we find it by its address pair.
#pragma once

#include <httplib.h>

namespace rtwatch::sim {

// The connection's file descriptor, or -1 when it cannot be found.
int find_peer_socket(const httplib::Request& req);
// True once the peer closed or reset the connection.
bool peer_closed(int fd);
// httplib listens with a backlog of 5, compiled in; hundreds of clients
// connecting at once then see dropped SYNs and 1 s retransmits. Listening
// again on the same socket raises the backlog.
bool widen_listen_backlog(int port, int backlog);

}  // namespace rtwatch::sim
