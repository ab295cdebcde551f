namespace Newsletter.Data;
