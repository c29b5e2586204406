/** Internal: the S3 bucket behind storage namespaces and the graveler range/metarange files of commits. */
package io.lakemirror.testserver.storage;
