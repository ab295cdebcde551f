namespace Newsletter.Core;
