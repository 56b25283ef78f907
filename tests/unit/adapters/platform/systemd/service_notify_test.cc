#include "adapters/platform/systemd/service_notify.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace callgate::systemd {
namespace {

// A Unix datagram socket standing in for systemd's notification socket, named by NOTIFY_SOCKET
// for the test's duration.
class NotifySocket {
 public:
  NotifySocket() {
    char dir[] = "/tmp/callgate-notify-XXXXXX";
    dir_ = ::mkdtemp(dir);
    path_ = dir_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  bool bound() const { return bound_; }

  // The next datagram, or "" after a second without one.
  std::string read() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) return "";
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

TEST(ServiceNotifyTest, DoesNothingWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(notifyReady("serving"));
  EXPECT_FALSE(notifyStopping("draining"));
}

TEST(ServiceNotifyTest, SendsReadyWithStatus) {
  NotifySocket socket;
  ASSERT_TRUE(socket.bound());
  EXPECT_TRUE(notifyReady("serving http and sip"));
  EXPECT_EQ(socket.read(), "READY=1\nSTATUS=serving http and sip");
}

TEST(ServiceNotifyTest, ReloadingCarriesAMonotonicTimestamp) {
  NotifySocket socket;
  ASSERT_TRUE(socket.bound());
  EXPECT_TRUE(notifyReloading());
  const std::string message = socket.read();
  EXPECT_EQ(message.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << message;
  const std::string usec = message.substr(std::strlen("RELOADING=1\nMONOTONIC_USEC="));
  ASSERT_FALSE(usec.empty());
  EXPECT_EQ(usec.find_first_not_of("0123456789"), std::string::npos) << usec;
}

TEST(ServiceNotifyTest, StatusStaysOneLine) {
  NotifySocket socket;
  ASSERT_TRUE(socket.bound());
  EXPECT_TRUE(notifyStopping("draining\nREADY=1"));
  EXPECT_EQ(socket.read(), "STOPPING=1\nSTATUS=draining READY=1");
}

}  // namespace
}  // namespace callgate::systemd
