#include "adapters/net/sip/server_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <unordered_set>

#include "common/metrics_catalog.h"

namespace callgate::sip {

namespace asio = boost::asio;

ServerCore::ServerCore(SipServerOptions options, CallHandler& handler)
    : options_(std::move(options)),
      handler_(handler),
      work_(asio::make_work_guard(io_)),
      udp_(io_, *this, options_.maxMessageBytes),
      tcp_(io_, *this, options_.maxMessageBytes, options_.maxTcpConnections,
           options_.maxTcpConnectionsPerAddress),
      sweepTimer_(io_),
      stopTimer_(io_) {}

ServerCore::~ServerCore() = default;

Result<uint16_t> ServerCore::open() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return Error::invalidArgument("bad SIP listen host: " + options_.host);
  // TCP first (maybe on an ephemeral port), then UDP on the same number; with an ephemeral port
  // that UDP number may be taken, so try again with another.
  for (int attempt = 0;; ++attempt) {
    if (Status s = tcp_.open(address, options_.port); !s.ok()) return s.error();
    Status u = udp_.open(address, tcp_.localPort());
    if (u.ok()) break;
    tcp_.close();
    if (options_.port != 0 || attempt == 19) return u.error();
  }
  port_ = udp_.localPort();
  std::string host =
      options_.advertisedAddress.empty() ? options_.host : options_.advertisedAddress;
  advertised_ = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port_;
}

void ServerCore::run() {
  udp_.start();
  tcp_.start();
  scheduleSweep();
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {  // never let one message take the SIP thread down
      spdlog::error("event=sip_exception what=\"{}\"", e.what());
    } catch (...) {
      spdlog::error("event=sip_exception what=unknown");
    }
  }
}

void ServerCore::requestStop() {
  asio::post(io_, [this] { shutdown(); });
}

std::string ServerCore::contactFor(Transport t) const {
  std::string c = "<sip:callgate@" + advertised_ + ":" + std::to_string(port_);
  if (t == Transport::kTcp) c += ";transport=tcp";
  return c + ">";
}

void ServerCore::scheduleSweep() {
  auto period =
      std::clamp(options_.t1, std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
  sweepTimer_.expires_after(period);
  sweepTimer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    txns_.sweep(now);
    if (malformedLog_.size() > 1024) malformedLog_.clear();
    closeIdleTcp(now);
    scheduleSweep();
  });
}

void ServerCore::closeIdleTcp(std::chrono::steady_clock::time_point now) {
  if (options_.tcpIdleTimeout.count() <= 0 || tcp_.connectionCount() == 0) return;
  // A connection a call in progress was set up on (or moved to) is how our BYE or REFER reaches
  // the peer (we never open TCP connections): it stays, however quiet the call.
  std::unordered_set<const TcpConnection*> inUse;
  for (const auto& [key, d] : dialogs_) {
    if (d->state == DialogState::kEnded) continue;
    if (auto c = d->peer.tcp.lock()) inUse.insert(c.get());
  }
  tcp_.closeIdle(now - options_.tcpIdleTimeout,
                 [&](const TcpConnection* c) { return inUse.contains(c); });
}

void ServerCore::logMalformed(const Peer& from, std::string_view what) {
  auto now = std::chrono::steady_clock::now();
  auto& last = malformedLog_[from.address.to_string()];
  if (last.time_since_epoch().count() != 0 && now - last < std::chrono::minutes(1)) return;
  last = now;
  spdlog::debug("event=sip_malformed from={} what=\"{}\"", from.address.to_string(), what);
}

void ServerCore::onMessage(std::string_view bytes, const Peer& from) {
  auto parsed = SipMessage::parse(bytes);
  if (!parsed.ok()) {
    logMalformed(from, "unparseable");
    if (auto c = from.tcp.lock()) c->close();  // a stream we cannot frame any more
    return;
  }
  SipMessage& msg = parsed.value();
  if (msg.isRequest()) {
    onRequest(msg, from);
  } else if (msg.hasMandatoryHeaders()) {
    onResponse(msg);
  }
}

void ServerCore::onOversized(std::string_view head, const Peer& from) {
  logMalformed(from, "oversized");
  // Parse the head without its Content-Length (the body is not there) to route a 413.
  std::string headers;
  for (size_t pos = 0; pos < head.size();) {
    size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol == std::string_view::npos ? eol : eol - pos + 2);
    pos = eol == std::string_view::npos ? head.size() : eol + 2;
    std::string name(line.substr(0, line.find(':')));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != "content-length" && name != "l") headers.append(line);
  }
  auto parsed = SipMessage::parse(headers);
  if (!parsed.ok() || !parsed->isRequest() || parsed->method() == "ACK" ||
      parsed->viaHost().empty()) {
    return;
  }
  respond(*parsed, from, 413, {}, "");
}

Peer ServerCore::responseDestination(const SipMessage& req, const Peer& from) const {
  if (from.transport == Transport::kTcp) return from;
  std::string_view host = req.viaHost();
  if (req.viaHasRport() || host != from.address.to_string()) return from;  // RFC 3581 / 18.2.2
  Peer to = from;
  to.port = req.viaPort();
  return to;
}

void ServerCore::onRequest(SipMessage& req, const Peer& from) {
  const std::string method(req.method());
  if (!req.hasMandatoryHeaders() || req.cseqMethod() != method) {
    logMalformed(from, "missing or bad mandatory headers");
    if (method != "ACK" && !req.viaHost().empty()) {
      req.stampTopVia(from.address.to_string(), from.port);
      respond(req, responseDestination(req, from), 400, {}, "");
    }
    return;
  }
  req.stampTopVia(from.address.to_string(), from.port);
  const Peer dest = responseDestination(req, from);
  if (method == "ACK") {
    onAck(req);
    return;
  }
  const std::string key = ServerTransactions::keyOf(req, method);
  if (ServerTransaction* t = txns_.find(key)) {  // a retransmission: resend what we answered
    if (t->lastResponse) sendTo(t->peer, *t->lastResponse);
    return;
  }
  txns_.create(key, dest);
  const bool inDialog = !req.toTag().empty();
  if (method == "INVITE") {
    if (inDialog) {
      onInDialog(req, dest, key);
    } else {
      onInitialInvite(req, dest, key);
    }
  } else if (method == "CANCEL") {
    onCancel(req, dest, key);
  } else if (method == "OPTIONS") {
    // A probe gets 503 + Retry-After while the handler is not ready, so a dispatcher stops
    // sending calls; inside a dialog it is a keep-alive of a call in progress, always 200.
    const int status = inDialog || handler_.optionsStatus() == 200 ? 200 : 503;
    respond(req, dest, status, {.allow = true, .retryAfter = status == 503 ? 5 : 0}, key);
  } else if (method == "BYE" || method == "INFO" || method == "NOTIFY") {
    if (inDialog) {
      onInDialog(req, dest, key);
    } else {
      respond(req, dest, 481, {}, key);
    }
  } else {
    respond(req, dest, 405, {.allow = true}, key);
  }
}

std::shared_ptr<const std::string> ServerCore::respond(const SipMessage& req, const Peer& dest,
                                                       int status, const Extras& x,
                                                       const std::string& txnKey) {
  SipMessage r = SipMessage::responseTo(req, status);
  if (status > 100) r.setToTag(x.toTag.empty() ? std::string_view(randomToken(10)) : x.toTag);
  if (x.recordRoute) r.copyRecordRoutes(req);
  if (x.contact) (void)r.setParsedHeader("Contact", contactFor(dest.transport));
  if (x.allow) {
    r.addHeader("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY");
    r.addHeader("Accept", "application/sdp");
    r.addHeader("Supported", "");
  }
  if (x.retryAfter > 0) r.addHeader("Retry-After", std::to_string(x.retryAfter));
  r.addHeader("Server", options_.userAgent);
  if (!x.sdp.empty()) r.setBody("application/sdp", x.sdp);
  auto bytes = std::make_shared<const std::string>(r.toString());
  if (bytes->empty()) {
    spdlog::warn("event=sip_response_build_failed status={}", status);
    return bytes;
  }
  sendTo(dest, *bytes);
  metrics::recordSipResponse(status);
  if (!txnKey.empty()) {
    if (ServerTransaction* t = txns_.find(txnKey)) {
      t->lastResponse = bytes;
      t->lastStatus = status;
      if (status >= 200) txns_.finish(txnKey, linger());
    }
  }
  return bytes;
}

void ServerCore::sendTo(const Peer& to, std::string_view bytes) {
  if (to.transport == Transport::kUdp) {
    udp_.send(to.address, to.port, bytes);
  } else if (auto c = to.tcp.lock()) {
    c->send(std::string(bytes));
  }
}

Dialog* ServerCore::findDialog(const SipMessage& req) {
  const std::string callId = req.callId();
  const std::string_view localTag = req.toTag();
  std::string key;
  key.reserve(callId.size() + localTag.size() + 1);
  key.append(callId).append("\n").append(localTag);
  auto it = dialogs_.find(key);
  // The From tag too: a request naming our tag but another peer's is not of this dialog.
  if (it == dialogs_.end() || it->second->remoteTag != req.fromTag()) return nullptr;
  return it->second.get();
}

std::string ServerCore::liveKey(std::string_view callId, std::string_view remoteTag) {
  std::string key;
  key.reserve(callId.size() + remoteTag.size() + 1);
  key.append(callId).append("\n").append(remoteTag);
  return key;
}

bool ServerCore::hasLiveDialog(std::string_view callId, std::string_view remoteTag) const {
  return liveRemote_.count(liveKey(callId, remoteTag)) != 0;
}

}  // namespace callgate::sip
