#include "EmbeddingPipeline.h"

#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingIndex.h"
#include "Error.h"
#include "Feedback.h"
#include "ImageDecoder.h"

#include <QDir>
#include <QFileInfo>
#include <opencv2/core.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace exemplar {

namespace {

using namespace std::chrono_literals;

// How often the coordinating thread wakes up even when no photo settles: bounds the delay
// between a cancel request and the threads being told to stop (the rest is at most one forward
// pass or one decode, which cannot be interrupted).
constexpr auto kCoordinatorTick = 40ms;
// Another network costs about 0.2 s of CPU and 50 MB to load: only worth it with a backlog.
constexpr int kMinBacklogForAnotherNetwork = 8;
// A photo found in the cache is decoded only for its fingerprint: at a reduced scale that still
// keeps 256 pixels on its shorter side, so that its shape is measured to within 0.4%.
const cv::Size kFingerprintDecodingTarget(128, 128);

// Networks beyond the caller's, kept between runs and keyed by model; loaded on a thread of their
// own so that nobody waits for a load (a cancel would otherwise wait up to a load's 0.2–0.4 s).
class SpareEmbedders {
public:
    static SpareEmbedders& instance()
    {
        static SpareEmbedders pool;
        return pool;
    }
    ~SpareEmbedders() { clear(); }

    std::unique_ptr<Embedder> take(const QByteArray& key)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = spare_.find(key);
        if (it == spare_.end()) return nullptr;
        std::unique_ptr<Embedder> embedder = std::move(it->second);
        spare_.erase(it);
        return embedder;
    }

    void give(const QByteArray& key, std::unique_ptr<Embedder> embedder)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        spare_.emplace(key, std::move(embedder));
    }

    // Starts loading one more network for KEY unless one is loading or a load has failed.
    void loadAsync(const ModelSpec& spec, const QByteArray& key)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (loading_.count(key) || failed_.count(key)) return;
        loading_.insert(key);
        loaders_.emplace_back([this, spec, key] {
            std::unique_ptr<Embedder> embedder;
            try {
                embedder = std::make_unique<Embedder>(spec);
            } catch (...) {
                // The caller's network loaded from the same spec, so this is unexpected (the file
                // went away): the run simply continues with the networks it has.
            }
            std::lock_guard<std::mutex> lock(mutex_);
            loading_.erase(key);
            if (embedder) spare_.emplace(key, std::move(embedder));
            else failed_.insert(key);
        });
    }

    void clear()
    {
        std::vector<std::thread> loaders;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            loaders.swap(loaders_);
        }
        for (std::thread& loader : loaders) loader.join();
        std::lock_guard<std::mutex> lock(mutex_);
        spare_.clear();
        failed_.clear();
    }

private:
    std::mutex mutex_;
    std::multimap<QByteArray, std::unique_ptr<Embedder>> spare_;
    std::set<QByteArray> loading_, failed_;
    std::vector<std::thread> loaders_;
};

QByteArray spareKey(const Embedder& embedder)
{
    return embedder.identity() + '|' + embedder.spec().specPath.toUtf8() + '|' +
           embedder.spec().embeddingOutputLabel().toUtf8();
}

// A decoded photo waiting for a network.
struct Job {
    int photo = -1;
    cv::Mat bgr;
};

// Bounded, so that decoding never runs far ahead of inference (decoded photos can be large).
class JobQueue {
public:
    explicit JobQueue(size_t capacity) : capacity_(capacity) {}

    // False when the queue was stopped (the job is dropped).
    bool push(Job job)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        spaceFreed_.wait(lock, [&] { return stopped_ || jobs_.size() < capacity_; });
        if (stopped_) return false;
        jobs_.push_back(std::move(job));
        jobAdded_.notify_one();
        return true;
    }
    // Empty when there will be no more jobs: all pushed ones are taken and the producers are done,
    // or the queue was stopped.
    std::optional<Job> pop()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        jobAdded_.wait(lock, [&] { return stopped_ || !jobs_.empty() || producersDone_; });
        if (stopped_ || jobs_.empty()) return std::nullopt;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        spaceFreed_.notify_one();
        return job;
    }
    void producersDone()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        producersDone_ = true;
        jobAdded_.notify_all();
    }
    void stop()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
        jobs_.clear();
        jobAdded_.notify_all();
        spaceFreed_.notify_all();
    }
    size_t size() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return jobs_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable jobAdded_, spaceFreed_;
    std::deque<Job> jobs_;
    size_t capacity_;
    bool producersDone_ = false, stopped_ = false;
};

// One run of the pipeline over a dataset.
class Pipeline {
public:
    Pipeline(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache, const EmbedOptions& options)
        : dataset_(dataset), embedder_(embedder), cache_(cache), options_(options),
          maxNetworks_(options.inferenceThreads > 0 ? options.inferenceThreads : defaultInferenceThreads()),
          target_(embedder.spec().inputWidth, embedder.spec().inputHeight),
          spareKey_(spareKey(embedder)), slots_(dataset.photos.size()), queue_(size_t(2 * maxNetworks_)),
          settledFlags_(dataset.photos.size(), 0)
    {
        if (cache && options.useIndex) {
            index_ = std::make_unique<EmbeddingIndex>(*cache, dataset.classFolders);
            index_->load();
        }
    }

    ~Pipeline() { stopAndJoin(); }

    // Runs to completion on the calling thread; throws OperationCanceled or the first failure.
    void run(Feedback* feedback)
    {
        const int total = dataset_.photoCount();
        reportProgress(feedback, 0, total, total > 0 ? QFileInfo(dataset_.photos[0].path).fileName() : QString());
        if (total == 0) return;
        const int readers = std::clamp(options_.decodeThreads, 1, total);
        readersLeft_ = readers;
        for (int r = 0; r < readers; ++r) threads_.emplace_back([this] { guarded([this] { readPhotos(); }); });
        startNetwork(&embedder_);
        try {
            coordinate(feedback);
        } catch (...) {
            stopAndJoin();  // a canceled or failed run returns only once its threads are gone
            throw;
        }
        stopAndJoin();
        reportProgress(feedback, total, total, QString());
    }

    // Assembles the result in dataset order and updates the project index.
    EmbeddingSet result(EmbedReport* report)
    {
        EmbeddingSet set;
        set.classNames = dataset_.classNames;
        std::vector<int> rows;
        for (size_t i = 0; i < slots_.size(); ++i) {
            const EmbeddedPhoto& photo = slots_[i].photo;
            if (photo.ok) rows.push_back(int(i));
            else report->skipped.push_back({dataset_.photos[i].path, photo.skipReason});
        }
        set.vectors.resize(Eigen::Index(rows.size()), embedder_.dim());
        for (size_t r = 0; r < rows.size(); ++r) {
            const Slot& slot = slots_[size_t(rows[r])];
            const Photo& photo = dataset_.photos[size_t(rows[r])];
            set.vectors.row(Eigen::Index(r)) = slot.photo.embedding.transpose();
            set.labels.push_back(photo.classIndex);
            set.paths << photo.path;
            set.contentHashes << QString::fromLatin1(slot.photo.sha256Hex);
            set.fingerprints.push_back(slot.photo.fingerprint);
            if (index_ && slot.stamp.valid())
                index_->record(photo.path, {slot.stamp, slot.photo.sha256Hex, slot.photo.embedding});
        }
        report->computed = computed_;
        report->fromCache = fromCache_;
        report->hashed = hashed_;
        report->damagedCacheEntries = damagedCacheEntries_;
        if (damagedCacheEntries_ > 0)
            report->warnings << QStringLiteral("%1 damaged embedding-cache entries were ignored, recomputed and replaced")
                                    .arg(int(damagedCacheEntries_));
        if (cacheStoreFailures_ > 0)
            report->warnings << QStringLiteral("the embedding cache %1 cannot be written, so these %2 photos will be "
                                               "run through the network again next time")
                                    .arg(QDir::toNativeSeparators(cache_->directory()))
                                    .arg(int(cacheStoreFailures_));
        if (index_ && index_->changed()) index_->save();
        return set;
    }

private:
    struct Slot {
        EmbeddedPhoto photo;
        FileStamp stamp;  // when the bytes were hashed (or the index entry's), for the index
    };

    // Worker bodies: the first exception stops the run and is rethrown by the coordinator.
    template <typename Body>
    void guarded(Body body)
    {
        try {
            body();
        } catch (...) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (!failure_) failure_ = std::current_exception();
            }
            stop();
        }
    }

    void readPhotos()
    {
        for (int i = nextPhoto_++; i < int(slots_.size()) && !stopped_; i = nextPhoto_++) readPhoto(i);
        if (--readersLeft_ == 0) queue_.producersDone();
    }

    void readPhoto(int i)
    {
        Slot& slot = slots_[size_t(i)];
        EmbeddedPhoto& photo = slot.photo;
        const QString& path = dataset_.photos[size_t(i)].path;
        photo.photoIndex = i;
        // The stamp is taken before the read, so a write during the read is caught next time.
        const FileStamp stamp = index_ ? FileStamp::of(path) : FileStamp();
        if (const EmbeddingIndex::Entry* entry = index_ ? index_->trusted(path, stamp) : nullptr) {
            slot.stamp = entry->stamp;
            photo.sha256Hex = entry->sha256Hex;
            photo.embedding = entry->embedding;
            if (fingerprintFromCache(photo)) return settle(i, true, &fromCache_);
            // Trusted from before fingerprints were kept: its bytes are read once more, below.
        }
        PhotoBytes bytes = readPhotoBytes(path);
        ++hashed_;
        if (!bytes.ok()) return skip(i, bytes.error);
        slot.stamp = stamp;
        photo.sha256Hex = bytes.sha256Hex;
        if (cache_) {
            EmbeddingCache::Lookup cached = cache_->lookup(bytes.sha256Hex);
            if (cached.status == EmbeddingCache::Lookup::Status::Found) {
                photo.embedding = std::move(cached.embedding);
                if (!fingerprintFromCache(photo)) {
                    // Without its fingerprint the photo may have been cached by a version that
                    // refused less (a JPEG damaged inside was embedded until 2026-12): it is held
                    // to today's refusals, not trained from its old entry.
                    const DecodedPhoto decoded = decodePhoto(bytes.data, kFingerprintDecodingTarget);
                    if (!decoded.ok()) return skip(i, decoded.error);
                    measureFingerprint(photo, decoded.bgr);
                }
                return settle(i, true, &fromCache_);
            }
            if (cached.status == EmbeddingCache::Lookup::Status::Damaged) ++damagedCacheEntries_;
        }
        const DecodedPhoto decoded = options_.reducedDecoding ? decodePhoto(bytes.data, target_) : decodePhoto(bytes.data);
        bytes.data.clear();
        if (!decoded.ok()) return skip(i, decoded.error);
        measureFingerprint(photo, decoded.bgr);
        queue_.push({i, decoded.bgr});
    }

    bool fingerprintFromCache(EmbeddedPhoto& photo) const
    {
        const std::optional<PictureFingerprint> found = cache_ ? cache_->findFingerprint(photo.sha256Hex) : std::nullopt;
        if (found) photo.fingerprint = *found;
        return found.has_value();
    }

    void measureFingerprint(EmbeddedPhoto& photo, const cv::Mat& bgr) const
    {
        photo.fingerprint = pictureFingerprint(bgr);
        if (cache_) cache_->storeFingerprint(photo.sha256Hex, photo.fingerprint);
    }

    void inferPhotos(Embedder* embedder)
    {
        while (std::optional<Job> job = queue_.pop()) {
            EmbeddedPhoto& photo = slots_[size_t(job->photo)].photo;
            photo.embedding = embedder->embed(job->bgr);
            if (cache_ && !cache_->store(photo.sha256Hex, photo.embedding)) ++cacheStoreFailures_;
            settle(job->photo, false, &computed_);
        }
    }

    void skip(int i, const QString& reason)
    {
        slots_[size_t(i)].photo.skipReason = reason;
        settle(i, false, nullptr);
    }

    // Publishes slot I to the coordinator (the mutex orders the slot's writes before its reads).
    void settle(int i, bool fromCache, std::atomic<int>* counter)
    {
        EmbeddedPhoto& photo = slots_[size_t(i)].photo;
        photo.ok = photo.skipReason.isEmpty();
        photo.fromCache = fromCache;
        if (counter) ++*counter;
        std::lock_guard<std::mutex> lock(mutex_);
        settledFlags_[size_t(i)] = 1;
        ++settledCount_;
        settledChanged_.notify_one();
    }

    void startNetwork(Embedder* embedder)
    {
        ++networks_;
        threads_.emplace_back([this, embedder] { guarded([this, embedder] { inferPhotos(embedder); }); });
    }

    // Adds a network while decoding runs ahead of inference and enough photos remain.
    void maybeAddNetwork(int settled)
    {
        if (networks_ >= maxNetworks_ || queue_.size() == 0 ||
            dataset_.photoCount() - settled < kMinBacklogForAnotherNetwork)
            return;
        SpareEmbedders& pool = SpareEmbedders::instance();
        if (std::unique_ptr<Embedder> spare = pool.take(spareKey_)) {
            borrowed_.push_back(std::move(spare));
            startNetwork(borrowed_.back().get());
        } else {
            pool.loadAsync(embedder_.spec(), spareKey_);
        }
    }

    void coordinate(Feedback* feedback)
    {
        const int total = dataset_.photoCount();
        int delivered = 0;  // outcomes streamed so far, a prefix of the dataset
        int settled = 0;
        while (true) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                settledChanged_.wait_for(lock, kCoordinatorTick,
                                         [&] { return failure_ || settledCount_ != settled; });
                if (failure_) std::rethrow_exception(failure_);
                settled = settledCount_;
            }
            throwIfCanceled(feedback);
            // Photos from the cache settle all at once, and each outcome's ONPHOTO may take a while
            // (classifying scores it against every training photo): progress and cancel are
            // checked per photo, or a drop of 2,000 cached photos showed 0 until its end and
            // could not be stopped.
            while (delivered < total && isSettled(delivered)) {
                if (options_.onPhoto) options_.onPhoto(slots_[size_t(delivered)].photo);
                ++delivered;
                reportProgress(feedback, delivered, total, QFileInfo(dataset_.photos[size_t(delivered - 1)].path).fileName());
                if (delivered < total) throwIfCanceled(feedback);
            }
            if (delivered == total) return;
            maybeAddNetwork(settled);
        }
    }

    bool isSettled(int i)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return settledFlags_[size_t(i)] != 0;
    }

    void stop()
    {
        stopped_ = true;
        queue_.stop();
    }

    void stopAndJoin()
    {
        if (threads_.empty()) return;
        stop();
        for (std::thread& thread : threads_) thread.join();
        threads_.clear();
        for (std::unique_ptr<Embedder>& embedder : borrowed_) SpareEmbedders::instance().give(spareKey_, std::move(embedder));
        borrowed_.clear();
    }

    const Dataset& dataset_;
    Embedder& embedder_;
    const EmbeddingCache* cache_;
    const EmbedOptions& options_;
    const int maxNetworks_;
    const cv::Size target_;
    const QByteArray spareKey_;
    std::unique_ptr<EmbeddingIndex> index_;

    std::vector<Slot> slots_;
    JobQueue queue_;
    std::vector<std::thread> threads_;
    std::vector<std::unique_ptr<Embedder>> borrowed_;  // from SpareEmbedders, given back at the end
    int networks_ = 0;

    std::atomic<int> nextPhoto_{0}, readersLeft_{0};
    std::atomic<int> computed_{0}, fromCache_{0}, hashed_{0};
    std::atomic<int> damagedCacheEntries_{0}, cacheStoreFailures_{0};
    std::atomic<bool> stopped_{false};

    std::mutex mutex_;  // guards what follows
    std::condition_variable settledChanged_;
    std::vector<char> settledFlags_;  // per photo
    int settledCount_ = 0;
    std::exception_ptr failure_;
};

} // namespace

int defaultInferenceThreads()
{
    int threads = int(std::thread::hardware_concurrency());
    // A process given its share of the cores through OpenCV's variable (exemplar-dask sets it for
    // each worker's exemplar-cli) runs that many networks: Debian's OpenCV, built on TBB, ignores
    // the variable itself, and each network costs about 120 MB.
    bool isNumber = false;
    const int share = qEnvironmentVariableIntValue("OPENCV_FOR_THREADS_NUM", &isNumber);
    if (isNumber && share > 0) threads = std::min(threads, share);
    return std::clamp(threads, 1, 4);
}

void releaseSpareEmbedders()
{
    SpareEmbedders::instance().clear();
}

EmbeddingSet runEmbeddingPipeline(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                                  Feedback* feedback, EmbedReport* report, const EmbedOptions& options)
{
    Pipeline pipeline(dataset, embedder, cache, options);
    const bool severalNetworks = (options.inferenceThreads > 0 ? options.inferenceThreads : defaultInferenceThreads()) > 1 &&
                                 dataset.photoCount() >= kMinBacklogForAnotherNetwork;
    if (!severalNetworks) {
        pipeline.run(feedback);
    } else {
        // See the header: inside this region OpenCV runs every other parallel_for_ serially.
        std::exception_ptr failure;
        cv::parallel_for_(cv::Range(0, 1), [&](const cv::Range&) {
            try {
                pipeline.run(feedback);
            } catch (...) {
                failure = std::current_exception();
            }
        });
        if (failure) std::rethrow_exception(failure);
    }
    return pipeline.result(report);
}

} // namespace exemplar
