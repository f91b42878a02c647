// Run once by the mongo-init service: makes the single mongod a one-member replica set (rs0), which
// majority writes and change streams need. Idempotent: an initiated set is left alone.
try {
  rs.status();
  print("replica set rs0 already initiated");
} catch {
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
  print("replica set rs0 initiated");
}
