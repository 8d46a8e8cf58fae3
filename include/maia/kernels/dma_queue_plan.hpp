#pragma once
// Which cluster DMA queues a tile's streaming kernel uses for its loads and its stores: a queue
// of its own for each when the cluster has at least two per tile, otherwise shared round-robin
// (loads on the first half of the queues, stores on the second).
namespace maia {

struct DmaQueuePlan {
  int load = 0;
  int store = 0;
};

inline DmaQueuePlan plan_dma_queues(int queues, int tiles, int tile) {
  if (queues >= 2 * tiles) return {tile, tiles + tile};
  const int loads = queues > 1 ? queues / 2 : 1;
  const int stores = queues > 1 ? queues - loads : 1;
  return {tile % loads, (queues > 1 ? loads : 0) + tile % stores};
}

}  // namespace maia
