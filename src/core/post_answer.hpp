#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>

namespace herald {

// A handler for a backend's answer, callable on any thread: it hands the answer to `executor`
// and there passes it to `use` with the owner, unless the owner is gone by then.
template <typename Answer, typename Owner, typename Use>
std::function<void(Answer)> post_answer(boost::asio::any_io_executor executor,
                                        std::weak_ptr<Owner> owner, Use use) {
  return [executor = std::move(executor), owner = std::move(owner),
          use = std::move(use)](Answer answer) {
    boost::asio::post(executor, [owner, use, answer = std::move(answer)] {
      if (auto self = owner.lock()) use(*self, answer);
    });
  };
}

}  // namespace herald
